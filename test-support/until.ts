// Polling for a state another process brings about (a worker's pid, a checkpoint, a ledger row): the first truthy
// value `probe` gives, or an error naming what was awaited (and, with `context`, e.g. a process's output so far).
export async function until<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 20_000, context?: () => string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${context ? `: ${context()}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
