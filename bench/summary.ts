// Benchmark figures on a shared machine: the median of several timed runs is the figure, with the fastest and the
// slowest beside it (a wide range says the machine was busy). Keys: `name` (median), `name_min`, `name_max`.

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, min: v[0], max: v[v.length - 1] };
}

/** Milliseconds of `repeats` timed runs of fn after `warmups` untimed ones. */
export function timeRuns(fn: () => void, repeats: number, warmups = 1): number[] {
  for (let k = 0; k < warmups; k++) fn();
  const out: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** { name: median, name_min: min, name_max: max }, each rounded to `digits` decimals. */
export function figures(name: string, values: readonly number[], digits = 0): Record<string, number> {
  const s = summarize(values);
  const round = (x: number) => Number(x.toFixed(digits));
  return { [name]: round(s.median), [`${name}_min`]: round(s.min), [`${name}_max`]: round(s.max) };
}

/** Throughput figures (items per second) from run times in ms: the median rate, and the rates of the slowest and fastest run. */
export function rates(name: string, items: number, ms: readonly number[]): Record<string, number> {
  return figures(
    name,
    ms.map((t) => items / (t / 1000)),
  );
}
