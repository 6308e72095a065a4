// Elapsed and remaining time of a running run, from its progress over time. The rate is the least-squares slope of
// the fraction done against time over the recent samples (the last RATE_WINDOW_MS), which follows a run whose pace
// changes (a layer-wise training's later layers cost the same per step, an experiment's methods do not); with too
// few recent samples it is the mean rate since the run started. Remaining = (1 - fraction) / rate.

export interface ProgressSample {
  /** Epoch milliseconds. */
  at: number;
  fraction: number;
}

/** Samples older than this do not shape the rate; fewer than MIN_SAMPLES within it fall back to the mean since the start. */
export const RATE_WINDOW_MS = 60_000;
export const MIN_SAMPLES = 3;
/** Samples kept at most. */
export const MAX_SAMPLES = 200;

/** Adds a sample, dropping a repeated fraction's time-stamp (no news) and the oldest beyond MAX_SAMPLES. */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample): ProgressSample[] {
  const last = samples.at(-1);
  if (last && (sample.fraction < last.fraction || sample.at < last.at)) return [sample]; // a resume or a clock jump: start over
  const out = last && last.fraction === sample.fraction ? [...samples] : [...samples, sample];
  return out.length > MAX_SAMPLES ? out.slice(out.length - MAX_SAMPLES) : out;
}

/** Fraction per millisecond from the recent samples, or null when they do not say. */
export function recentRate(samples: readonly ProgressSample[], now: number): number | null {
  const recent = samples.filter((s) => now - s.at <= RATE_WINDOW_MS);
  if (recent.length < MIN_SAMPLES) return null;
  const mt = recent.reduce((a, s) => a + s.at, 0) / recent.length;
  const mf = recent.reduce((a, s) => a + s.fraction, 0) / recent.length;
  let sxy = 0;
  let sxx = 0;
  for (const s of recent) {
    sxy += (s.at - mt) * (s.fraction - mf);
    sxx += (s.at - mt) ** 2;
  }
  return sxx > 0 && sxy > 0 ? sxy / sxx : null;
}

export interface TimeEstimate {
  elapsedMs: number;
  /** Null until the progress says anything (nothing done yet, or no rate). */
  remainingMs: number | null;
}

/** `startedAt` epoch ms; `fraction` the latest progress. */
export function estimateTimes(samples: readonly ProgressSample[], startedAt: number, fraction: number | null, now: number): TimeEstimate {
  const elapsedMs = Math.max(0, now - startedAt);
  if (fraction === null || fraction <= 0) return { elapsedMs, remainingMs: null };
  if (fraction >= 1) return { elapsedMs, remainingMs: 0 };
  const rate = recentRate(samples, now) ?? (elapsedMs > 0 ? fraction / elapsedMs : null);
  return { elapsedMs, remainingMs: rate ? (1 - fraction) / rate : null };
}
