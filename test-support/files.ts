// Shared test fixtures (files): temporary folders removed after each test, the bundled pbc table, a fake clock.
// Used by tests of every layer; core/ tests may import it too (tests are exempt from the layer rules).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** The bundled clinical sample (Mayo Clinic pbc, 418 patients): path and text. */
export const PBC_CSV = new URL('../resources/samples/pbc.csv', import.meta.url).pathname;
export const pbcText = (): string => readFileSync(PBC_CSV, 'utf8');

export interface TempDir {
  /** The folder of the current test. */
  readonly path: string;
  /** A path inside it. */
  file(name: string): string;
}

/**
 * A fresh temporary folder for each test of the calling file (or describe block), removed after it; with
 * `scope: 'all'`, one folder shared by its tests (for tests that build on each other's files), removed at the end.
 */
export function useTempDir(prefix = 'qnnlab-test-', scope: 'each' | 'all' = 'each'): TempDir {
  let path = '';
  (scope === 'each' ? beforeEach : beforeAll)(() => {
    path = mkdtempSync(join(tmpdir(), prefix));
  });
  (scope === 'each' ? afterEach : afterAll)(() => rmSync(path, { recursive: true, force: true }));
  return {
    get path() {
      return path;
    },
    file: (name: string) => join(path, name),
  };
}

/** QNNLAB_DB pointed at a file of a temporary folder for each test, so nothing reads or writes the user's database. */
export function useDefaultDatabase(dir: TempDir, name = 'default.db'): void {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.QNNLAB_DB;
    process.env.QNNLAB_DB = dir.file(name);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.QNNLAB_DB;
    else process.env.QNNLAB_DB = saved;
  });
}

/** A clock tests move by hand: `now()` for services that take one, `ms` for the current epoch milliseconds. */
export interface FakeClock {
  ms: number;
  now(): Date;
  advance(ms: number): void;
}

export function fakeClock(startIso: string): FakeClock {
  const clock: FakeClock = {
    ms: Date.parse(startIso),
    now: () => new Date(clock.ms),
    advance: (ms) => void (clock.ms += ms),
  };
  return clock;
}
