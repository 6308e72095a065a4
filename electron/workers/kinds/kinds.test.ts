// One conformance suite over every registered run kind (as core/impute/conformance.test.ts over the imputers): an
// example config per kind (a kind without one fails), the config schema refusing an unknown key and a wrong type by
// name, prepare through a fake host giving an input its schema accepts after the trip to the worker (V8's structured
// clone, as the fork launcher sends it), a run through a fake context (and the kind's host-side completion with the
// worker's artifacts) that finishes with progress rising to 1, a cancel (from a timer, as a worker sees the host's
// cancel message) ending promptly with CANCELLED, and for resumable kinds: interrupted after the first checkpoint and
// resumed from it, the same result as an uninterrupted run.
import { deserialize, serialize } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../core/data/csv.ts';
import { toCsv } from '../../../core/data/export.ts';
import type { Dataset, DatasetProfile } from '../../../core/data/types.ts';
import { LabError } from '../../../core/errors.ts';
import { BUILTIN_DEVICE_PROFILES, BUILTIN_CATALOG } from '../../../core/hardware/device-profile.ts';
import { resolveBackend } from '../../../core/hardware/registry.ts';
import { fitImputer } from '../../../core/impute/imputer.ts';
import { syntheticIcu } from '../../../core/impute/synthetic-icu.ts';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import { pbcText } from '../../../test-support/files.ts';
import type { DatasetSummary } from '../../contract/datasets.ts';
import type { RunCheckpoint } from '../../contract/run-protocol.ts';
import { RUN_KIND_NAMES, runKind, runKinds } from './index.ts';
import type { Completion, HostDataset, RunContext, RunHost, RunKind, RunPayload, WriteProgress } from './types.ts';

const PBC: HostDataset = { id: 1, name: 'pbc (sample)', source: 'pbc.csv', dataset: parseCsv(pbcText(), { outcome: 'death' }) };
/** A table large enough that applying an imputer to it takes a few turns of the event loop. */
const ICU: HostDataset = { id: 2, name: 'icu', source: 'synthetic', dataset: syntheticIcu(20_000, 2).dataset };
const DATASETS = new Map([PBC, ICU].map((d) => [d.id, d]));

/** A saved imputer (as `qnnlab impute --save-model` writes it), fitted on other patients of the same kind. */
const MICE_MODEL = JSON.parse(
  JSON.stringify((await fitImputer(syntheticIcu(1_000, 1).dataset, { method: 'mice', options: { maxCycles: 3 }, modelAllColumns: true, seed: 1 })).model),
) as unknown;

/** Each kind's example: small enough for the suite, with at least two checkpoints when the kind is resumable. */
const EXAMPLES: Record<string, unknown> = {
  import: { fileName: 'icu.csv', source: { path: '/data/icu.csv' }, outcome: 'death' },
  'apply-imputer': { datasetId: 2, model: MICE_MODEL, options: { tol: 0.001 }, seed: 2 },
  train: { qubits: 8, layers: 3, samples: 64, epochs: 100, seed: 3 },
  experiment: {
    datasetId: 1,
    outcome: 'death',
    exclude: ['id', 'time'],
    methods: ['mean', 'mice'],
    mask: { mechanism: 'mcar', rate: 0.2 },
    seeds: [1, 2],
    folds: 3,
  },
  'device-job': { backend: 'ionq-aria', qubits: 4, layers: 2, seed: 1, input: [1, 2, 3, 4], shots: 400, latencyScale: 1e-4 },
};

/** Fields of a result that measure wall time: they differ between any two runs, interrupted or not. */
const WALL_TIME = new Set(['seconds']);

function withoutWallTime(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWallTime);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v))
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !WALL_TIME.has(k))
        .map(([k, x]) => [k, withoutWallTime(x)]),
    );
  return v;
}

/** What crosses the process boundary: V8's serializer, as the fork launcher ('advanced') and the checkpoint store use. */
const overTheWire = <T>(v: T): T => deserialize(serialize(v)) as T;

/** The file every import reads: large enough that parsing it takes a few turns of the event loop. */
const CSV_BYTES = new TextEncoder().encode(toCsv(ICU.dataset));

const fakeHost = {
  dataset(id: number) {
    const d = DATASETS.get(id);
    if (!d) throw new LabError('NOT_FOUND', `Dataset ${id} does not exist (any more).`, { field: 'datasetId', value: id });
    return d;
  },
  backend: (name: string) => resolveBackend(name, BUILTIN_CATALOG),
  deviceProfiles: () => [...BUILTIN_DEVICE_PROFILES],
  importFile: async (): Promise<RunPayload> => ({
    bytes: CSV_BYTES.length,
    async *chunks() {
      yield CSV_BYTES;
    },
    dispose: async () => {},
  }),
  async importDataset(dataset: Dataset, profile: DatasetProfile, meta: { name: string; source: string }, progress?: WriteProgress): Promise<DatasetSummary> {
    progress?.onProgress?.(1);
    const summary = { rows: dataset.rows, columns: dataset.columns.length, missingCells: profile.missingCells, warnings: dataset.warnings };
    return { id: 99, name: meta.name, source: meta.source, createdAt: '', ...summary };
  },
} satisfies RunHost;
const host: RunHost = fakeHost;

interface Trace {
  progress: number[];
  checkpoints: RunCheckpoint[];
  artifacts: unknown[];
}

/** What a run gets from its prepare step, after the trip to the worker. */
interface Job {
  input: unknown;
  payload?: RunPayload;
}

/** A worker's context without the worker: progress, checkpoints and artifacts recorded, `onProgress`/`onCheckpoint` to act on them. */
function fakeContext(
  job: Job,
  options: { resumeFrom?: RunCheckpoint; onProgress?: (controller: AbortController) => void; onCheckpoint?: (controller: AbortController) => void } = {},
) {
  const controller = new AbortController();
  const trace: Trace = { progress: [], checkpoints: [], artifacts: [] };
  const ctx: RunContext = {
    runId: 1,
    signal: controller.signal,
    resumeFrom: options.resumeFrom ? overTheWire(options.resumeFrom) : null,
    progress(fraction) {
      trace.progress.push(fraction);
      options.onProgress?.(controller);
    },
    metric() {},
    checkpoint(step, payload) {
      trace.checkpoints.push(overTheWire({ step, payload }));
      options.onCheckpoint?.(controller);
    },
    log() {},
    async payload() {
      if (!job.payload) throw new Error('this kind has no payload');
      const chunks: Uint8Array[] = [];
      for await (const c of job.payload.chunks(controller.signal)) chunks.push(c);
      return overTheWire(Buffer.concat(chunks));
    },
    artifact: (value) => trace.artifacts.push(overTheWire(value)),
  };
  return { ctx, trace, controller };
}

async function prepared(kind: RunKind): Promise<Job> {
  const config = parseOrThrow(kind.config, EXAMPLES[kind.kind], `${kind.kind} config`, 'config');
  const p = await kind.prepare(config, host);
  return { input: overTheWire(p.input), payload: p.payload };
}

/** The run in the worker, then (as the engine does) the kind's completion on the host with the worker's artifacts. */
async function runToEnd(kind: RunKind, job: Job, context: ReturnType<typeof fakeContext>): Promise<{ result: unknown; completed: unknown }> {
  const result = overTheWire(await kind.run(job.input, context.ctx));
  if (!kind.complete) return { result, completed: result };
  const completion: Completion = { artifacts: context.trace.artifacts, signal: context.controller.signal, progress: (f) => context.trace.progress.push(f) };
  return { result, completed: await kind.complete(result, host, completion) };
}

async function refusal(p: Promise<unknown>): Promise<LabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a refusal');
}

/** A value of another JSON type than `v`. */
const wrongType = (v: unknown): unknown => (typeof v === 'string' ? 12345 : typeof v === 'number' ? 'a string' : typeof v === 'boolean' ? 'yes' : 42);

it('every registered kind is in the registry by its name, and unknown names are refused naming the kinds', () => {
  expect(runKinds().map((k) => k.kind)).toEqual(RUN_KIND_NAMES);
  for (const name of RUN_KIND_NAMES) expect(runKind(name).kind).toBe(name);
  expect(() => runKind('bake')).toThrow(
    expect.objectContaining({ code: 'VALIDATION', field: 'kind', message: expect.stringContaining(RUN_KIND_NAMES.join(', ')) }),
  );
});

for (const kind of runKinds()) {
  describe(`run kind conformance: ${kind.kind}`, () => {
    const example = EXAMPLES[kind.kind] as Record<string, unknown> | undefined;
    let uninterrupted: { result: unknown; trace: Trace } | undefined;
    beforeAll(async () => {
      if (!example) return;
      const job = await prepared(kind);
      const context = fakeContext(job);
      uninterrupted = { result: (await runToEnd(kind, job, context)).result, trace: context.trace };
    }, 30_000);

    it('has an example config in this suite', () => {
      expect(example, `add an example config for ${kind.kind} to EXAMPLES`).toBeDefined();
      expect(kind.description.length).toBeGreaterThan(10);
    });

    it('its config schema refuses an unknown key and a wrong type, naming the field', () => {
      expect(() => parseOrThrow(kind.config, { ...example, notAnOption: 1 }, `${kind.kind} config`, 'config')).toThrow(
        expect.objectContaining({ code: 'VALIDATION', field: 'config', message: expect.stringContaining('notAnOption') }),
      );
      for (const [key, value] of Object.entries(example!)) {
        expect(() => parseOrThrow(kind.config, { ...example, [key]: wrongType(value) }, `${kind.kind} config`, 'config'), key).toThrow(
          expect.objectContaining({ code: 'VALIDATION', field: `config.${key}` }),
        );
      }
    });

    it("prepare through the host gives an input the kind's input schema accepts in the worker", async () => {
      const config = parseOrThrow(kind.config, example, `${kind.kind} config`, 'config');
      const p = await kind.prepare(config, host);
      expect(p.name.length).toBeGreaterThan(0);
      expect(kind.input.safeParse(overTheWire(p.input)).success).toBe(true);
      await p.payload?.dispose();
      expect(kind.input.safeParse({}).success).toBe(false);
    });

    it('runs to the end through a fake context (and completes on the host), its progress rising to 1', () => {
      const { progress, checkpoints } = uninterrupted!.trace;
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.every((f, k) => f >= 0 && f <= 1 && (k === 0 || f >= progress[k - 1]))).toBe(true);
      expect(progress.at(-1)).toBe(1);
      if (!kind.resumable) expect(checkpoints, 'a kind that cannot resume sends no checkpoint').toEqual([]);
      else expect(checkpoints.length, 'the example must checkpoint at least twice').toBeGreaterThan(1);
    });

    it('stops with CANCELLED promptly when its signal fires (from a timer, as a cancel message arrives)', async () => {
      let abortedAt = 0;
      const job = await prepared(kind);
      const { ctx } = fakeContext(job, {
        onProgress: (controller) => {
          if (abortedAt === 0)
            setTimeout(() => {
              abortedAt = performance.now();
              controller.abort();
            }, 1);
          abortedAt ||= -1;
        },
      });
      const e = await refusal(kind.run(job.input, ctx));
      expect(e.code).toBe('CANCELLED');
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(500);
    });

    it.runIf(kind.resumable)('interrupted after its first checkpoint and resumed from it, gives the result of an uninterrupted run', async () => {
      const job = await prepared(kind);
      const first = fakeContext(job, { onCheckpoint: (controller) => controller.abort() });
      expect((await refusal(kind.run(job.input, first.ctx))).code).toBe('CANCELLED');
      expect(first.trace.checkpoints.length).toBeGreaterThan(0);
      const again = await prepared(kind);
      const resumed = fakeContext(again, { resumeFrom: first.trace.checkpoints[0] });
      const { result } = await runToEnd(kind, again, resumed);
      expect(withoutWallTime(result)).toEqual(withoutWallTime(uninterrupted!.result));
      // It continued rather than starting over: fewer checkpoints than the whole run.
      expect(resumed.trace.checkpoints.length).toBeLessThan(uninterrupted!.trace.checkpoints.length);
      expect(resumed.trace.progress.at(-1)).toBe(1);
    });
  });
}
