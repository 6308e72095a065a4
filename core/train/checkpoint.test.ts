// Checkpoints: when they are taken, what each points at, and which ones are refused (with the field resumeFrom).
import { describe, expect, it } from 'vitest';
import { mseLoss } from './losses.ts';
import { trainLayerwise, type LayerwiseOptions, type TrainCheckpoint } from './layerwise.ts';
import { CheckpointPolicy, checkResume, type TrainFingerprint } from './checkpoint.ts';
import { orthogonalMapTask } from './tasks.ts';

const n = 4;
const task = orthogonalMapTask(n, 2, 32, 3);
const base = (): LayerwiseOptions => ({
  qubits: n,
  layers: 2,
  inputs: task.inputs,
  loss: mseLoss(task.targets, n),
  epochsPerLayer: 2,
  batchSize: 2,
  seed: 1,
  checkpointEveryMs: Infinity,
});
const refused = (message: RegExp) => expect.objectContaining({ code: 'VALIDATION', field: 'resumeFrom', message: expect.stringMatching(message) });

async function checkpointsOf(o: LayerwiseOptions): Promise<TrainCheckpoint[]> {
  const out: TrainCheckpoint[] = [];
  await trainLayerwise({ ...o, onCheckpoint: (c) => out.push(JSON.parse(JSON.stringify(c))) });
  return out;
}

describe('checkpoints', () => {
  it('every N steps within an epoch, and once at its end (never twice when N divides the epoch)', async () => {
    // 32 rows in batches of 2: 16 steps per epoch; a checkpoint every 4 steps.
    const cps = await checkpointsOf({ ...base(), checkpointEverySteps: 4 });
    expect(cps.map((c) => [c.phaseIndex, c.epochsDone, c.stepInEpoch])).toEqual([
      [0, 0, 4],
      [0, 0, 8],
      [0, 0, 12],
      [0, 1, 0],
      [0, 1, 4],
      [0, 1, 8],
      [0, 1, 12],
      [1, 0, 0],
      [1, 0, 4],
      [1, 0, 8],
      [1, 0, 12],
      [1, 1, 0],
      [1, 1, 4],
      [1, 1, 8],
      [1, 1, 12],
      [2, 0, 0],
    ]);
    // Within a phase the optimiser's state goes along; at a phase's end the next phase starts afresh.
    expect(cps[3].optimiser).toMatchObject({ kind: 'adam', t: 16 });
    expect(cps[7].optimiser).toBeNull();
    expect(cps[2].optimiser).toMatchObject({ t: 12 });
    expect(cps.map((c) => c.stepsDone)).toEqual([4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64]);
  });

  it('refuses checkpointEverySteps that is not a positive integer', async () => {
    await expect(trainLayerwise({ ...base(), checkpointEverySteps: 0 })).rejects.toThrow(
      expect.objectContaining({ field: 'checkpointEverySteps', message: expect.stringMatching(/^checkpointEverySteps must be an integer between 1 and/) }),
    );
  });

  it('the time policy: due after everySteps steps or everyMs milliseconds since the last one taken', () => {
    let clock = 1000;
    const policy = new CheckpointPolicy(3, 500, () => clock);
    expect([policy.due(), policy.due(), policy.due()]).toEqual([false, false, true]);
    policy.taken();
    clock += 499;
    expect(policy.due()).toBe(false);
    clock += 1;
    expect(policy.due()).toBe(true);
    policy.taken();
    expect(policy.due()).toBe(false);
  });
});

describe('resume refused', () => {
  it('a checkpoint mid-phase without its optimiser state', async () => {
    const cps = await checkpointsOf({ ...base(), checkpointEverySteps: 4 });
    await expect(trainLayerwise({ ...base(), resumeFrom: { ...cps[1], optimiser: null } })).rejects.toThrow(
      refused(/^the checkpoint has no optimiser state for a phase in progress$/),
    );
  });

  it('anything that is not a version-2 checkpoint', () => {
    const fp: TrainFingerprint = { options: 'o', data: 'd', loss: 'l' };
    const good = { version: 2, fingerprint: fp } as TrainCheckpoint;
    expect(() => checkResume(good, fp)).not.toThrow();
    for (const bad of [null, { ...good, version: 1 }, { ...good, fingerprint: null }, { ...good, fingerprint: 'o d l' }]) {
      expect(() => checkResume(bad as unknown as TrainCheckpoint, fp)).toThrow(
        refused(/^the checkpoint is not a QNN Lab training checkpoint of this version \(version 2\); start the training afresh$/),
      );
    }
  });

  it('a different fingerprint, naming every part that differs', () => {
    const fp: TrainFingerprint = { options: 'o', data: 'd', loss: 'l' };
    const cp = (f: Partial<TrainFingerprint>) => ({ version: 2, fingerprint: { ...fp, ...f } }) as TrainCheckpoint;
    expect(() => checkResume(cp({ options: 'x' }), fp)).toThrow(
      refused(/^the checkpoint was made with different options \([^)]*\); it cannot be resumed with these\. Resume with the original inputs, or start afresh$/),
    );
    expect(() => checkResume(cp({ data: 'x' }), fp)).toThrow(
      refused(/^the checkpoint was made with different training data \(fingerprint x, these data d\); it cannot/),
    );
    expect(() => checkResume(cp({ options: 'x', loss: 'y' }), fp)).toThrow(
      refused(/made with different options \(.*\) and a different loss or different targets; it cannot/),
    );
  });
});
