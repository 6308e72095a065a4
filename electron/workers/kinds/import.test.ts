// The import kind with a fake context and a fake host: the worker side (progress through its phases, cancel
// mid-parse, decoding and its warnings, refusals naming the file) and the host side (the dataset put back together
// from the artifacts, checked; a damaged answer refused), both against core's own parse and profile of the text.
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { parseCsv, profileDataset, type Dataset, type DatasetProfile } from '../../../core/data/index.ts';
import { pbcText } from '../../../test-support/files.ts';
import type { DatasetSummary, ImportDatasetConfig } from '../../contract/datasets.ts';
import { importKind, PHASES, SLICE_LABELS, SLICE_ROWS } from './import.ts';
import type { Completion, RunContext, RunHost, RunPayload } from './types.ts';

const overTheWire = <T>(v: T): T => deserialize(serialize(v)) as T;
const UPLOAD = { uploadId: `${process.pid}-${'u'.repeat(22)}` };

/** A host whose file is `bytes`, and which keeps what it is asked to store. */
function fakeHost(bytes: Uint8Array) {
  const stored: { dataset: Dataset; profile: DatasetProfile; meta: { name: string; source: string } }[] = [];
  const host: Pick<RunHost, 'importFile' | 'importDataset'> = {
    importFile: async (): Promise<RunPayload> => ({ bytes: bytes.length, chunks: async function* () {}, dispose: async () => {} }),
    async importDataset(dataset, profile, meta, progress) {
      stored.push({ dataset, profile, meta });
      progress?.onProgress?.(0.5);
      progress?.onProgress?.(1);
      return {
        id: 7,
        name: meta.name,
        rows: dataset.rows,
        columns: dataset.columns.length,
        missingCells: profile.missingCells,
        source: meta.source,
        createdAt: '',
        warnings: dataset.warnings,
      };
    },
  };
  return { host: host as RunHost, stored };
}

interface Trace {
  progress: [number, string][];
  artifacts: unknown[];
}

/** Runs the kind's worker side and then its host side, as the engine would, with every message over the wire. */
async function importBytes(
  bytes: Uint8Array,
  config: Partial<ImportDatasetConfig> = {},
  onProgress?: (label: string, abort: () => void) => void,
  trace: Trace = { progress: [], artifacts: [] },
) {
  const { host, stored } = fakeHost(bytes);
  const full = importKind.config.parse({ fileName: 'data.csv', source: UPLOAD, ...config });
  const prepared = await importKind.prepare(full, host);
  const controller = new AbortController();
  const progress = (fraction: number, label = '') => {
    trace.progress.push([fraction, label]);
    onProgress?.(label, () => controller.abort());
  };
  const ctx = {
    runId: 1,
    signal: controller.signal,
    resumeFrom: null,
    progress,
    metric() {},
    checkpoint() {},
    log() {},
    payload: async () => overTheWire(bytes),
    artifact: (value: unknown) => trace.artifacts.push(overTheWire(value)),
  } satisfies RunContext;
  const result = overTheWire(await importKind.run(importKind.input.parse(overTheWire(prepared.input)), ctx));
  const completion: Completion = { artifacts: trace.artifacts, signal: controller.signal, progress };
  const summary = (await importKind.complete!(result, host, completion)) as DatasetSummary;
  return { summary, stored: stored[0], trace, prepared };
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('the import kind', () => {
  it('gives the dataset and profile core gives, through every phase in order, progress rising to 1', async () => {
    const text = pbcText();
    const { summary, stored, trace, prepared } = await importBytes(utf8(text), { outcome: 'death', name: 'pbc here' });
    expect(prepared.name).toBe('Import data.csv');
    const direct = parseCsv(text, { outcome: 'death' });
    expect(stored.dataset).toEqual(direct);
    expect(stored.profile).toEqual(profileDataset(direct));
    expect(stored.meta).toEqual({ name: 'pbc here', source: 'data.csv' });
    expect(summary).toMatchObject({ name: 'pbc here', rows: 418, columns: 20, missingCells: 1033 });
    const fractions = trace.progress.map(([f]) => f);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions.at(-1)).toBe(1);
    // The phases in their order (parsing and profiling 418 rows may take less than one pacer interval).
    const seen = [...new Set(trace.progress.map(([, label]) => label.replace(/ data\.csv$/, '')))];
    const order: string[] = Object.values(PHASES).map((p) => p.label);
    expect(seen).toEqual(order.filter((label) => seen.includes(label)));
    expect(seen).toEqual(expect.arrayContaining(['Reading', 'Decoding', 'Handing over', 'Writing']));
  });

  it('names the dataset after its file by default', async () => {
    const { stored } = await importBytes(utf8('a,b\n1,2\n'), { fileName: 'C:\\data\\ward 7.csv' });
    expect(stored.meta).toEqual({ name: 'ward 7', source: 'C:\\data\\ward 7.csv' });
  });

  it('decodes by core/data/decode.ts: a detected encoding gives a warning naming it, a chosen one none', async () => {
    const latin1 = Uint8Array.from([...'name,city\nJos'].map((c) => c.charCodeAt(0)).concat([0xe9, 0x2c, 0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0x0a]));
    const detected = await importBytes(latin1);
    expect(detected.stored.dataset.columns[1].categories).toEqual(['Zürich']);
    expect(detected.stored.dataset.columns[0].categories).toEqual(['José']);
    expect(detected.stored.dataset.warnings[0]).toMatch(/read as windows-1252 \(detected\)/);
    const chosen = await importBytes(latin1, { encoding: 'latin1' });
    expect(chosen.stored.dataset.warnings).toEqual([]);
    await expect(importBytes(latin1, { encoding: 'utf-8' })).rejects.toMatchObject({
      code: 'CSV_INVALID',
      message: expect.stringMatching(/^Cannot import "data\.csv": The file is not valid utf-8 text/),
    });
  });

  it('refuses an unknown encoding before the file is read, naming the field, and lets the upload go', async () => {
    const file = { read: false, disposed: false };
    const payload: RunPayload = {
      bytes: 1,
      chunks: async function* () {
        file.read = true;
        yield new Uint8Array(1);
      },
      dispose: async () => void (file.disposed = true),
    };
    const host = { importFile: async () => payload, importDataset: async () => null as never } as unknown as RunHost;
    const config = importKind.config.parse({ fileName: 'x.csv', source: UPLOAD, encoding: 'klingon' });
    await expect(importKind.prepare(config, host)).rejects.toMatchObject({ code: 'VALIDATION', field: 'encoding' });
    expect(file).toEqual({ read: false, disposed: true });
  });

  it("refusals name the file and keep the parser's code, field and line", async () => {
    await expect(importBytes(utf8('a,b\n1,2\n3\n'))).rejects.toMatchObject({
      code: 'CSV_INVALID',
      message: expect.stringMatching(/^Cannot import "data\.csv": The row on line 3 has 1 field/),
      details: { fileName: 'data.csv', line: 3 },
    });
    await expect(importBytes(utf8(pbcText()), { missingTokens: ['0'], outcome: 'death' })).rejects.toMatchObject({ code: 'CONFLICT', field: 'missingTokens' });
    const confirmed = await importBytes(utf8(pbcText()), { missingTokens: ['0'], outcome: 'death', confirmMissingTokens: true });
    expect(confirmed.stored.dataset.missingTokens).toContain('0');
  });

  it('stops with CANCELLED when cancelled mid-parse, having sent nothing', async () => {
    const rows = Array.from({ length: 150_000 }, (_, i) => `${i % 89},${(i * 7) % 31}.25,x${i % 3}`);
    const trace: Trace = { progress: [], artifacts: [] };
    const abortMidParse = (label: string, abort: () => void) => label.startsWith(PHASES.parse.label) && abort();
    await expect(importBytes(utf8(['a,b,c', ...rows].join('\n')), {}, abortMidParse, trace)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(trace.progress.at(-1)?.[1]).toMatch(/^Parsing/);
    expect(trace.artifacts).toEqual([]);
  });

  it('sends long columns and many labels in slices, and puts them back together exactly', async () => {
    const n = SLICE_ROWS + 1000;
    const rows = Array.from({ length: n }, (_, i) => `${(i * 0.5).toFixed(1)},L${i % (SLICE_LABELS + 7)}`);
    const text = ['v,label', ...rows].join('\n');
    const { stored, trace } = await importBytes(utf8(text));
    expect(trace.artifacts.length).toBe(2 + 2 + 2);
    const direct = parseCsv(text);
    expect(stored.dataset.columns[1].categories).toHaveLength(SLICE_LABELS + 7);
    expect(stored.dataset).toEqual(direct);
  }, 30_000);
});

describe('the import kind on the host: what comes back from the worker is checked', () => {
  async function answer(text: string) {
    const bytes = utf8(text);
    const { host } = fakeHost(bytes);
    const prepared = await importKind.prepare(importKind.config.parse({ fileName: 'd.csv', source: UPLOAD }), host);
    const artifacts: unknown[] = [];
    const ctx = {
      runId: 1,
      signal: new AbortController().signal,
      resumeFrom: null,
      progress() {},
      metric() {},
      checkpoint() {},
      log() {},
      payload: async () => bytes,
      artifact: (v: unknown) => artifacts.push(v),
    } satisfies RunContext;
    const result = await importKind.run(prepared.input, ctx);
    const complete = (res: unknown, arts: unknown[]) =>
      importKind.complete!(res as never, host, { artifacts: arts, signal: new AbortController().signal, progress() {} });
    return { result, artifacts, complete };
  }

  it('refuses a missing, extra or misplaced slice and a malformed result as damaged (INTERNAL), storing nothing', async () => {
    const { result, artifacts, complete } = await answer('a,b\nx,1\ny,2\n');
    const damaged = expect.objectContaining({ code: 'INTERNAL', message: expect.stringMatching(/came back damaged from its worker/) });
    await expect(complete(result, artifacts.slice(1))).rejects.toEqual(damaged);
    await expect(complete(result, [...artifacts, artifacts[0]])).rejects.toEqual(damaged);
    await expect(complete(result, [{ column: 9, first: 0, values: new Float64Array(2) }, ...artifacts])).rejects.toEqual(damaged);
    await expect(complete(result, [{ column: 0, first: 0, values: [1, 2] }, ...artifacts.slice(1)])).rejects.toEqual(damaged);
    await expect(complete({ ...result, rows: -1 }, artifacts)).rejects.toEqual(damaged);
    await expect(complete(result, artifacts)).resolves.toMatchObject({ rows: 2, columns: 2 });
  });
});
