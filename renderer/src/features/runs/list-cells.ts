// What the runs table shows in its cells, as pure functions (tested without a DOM).
import type { RunSummary } from '../../../../electron/contract/runs.ts';

/** Tags as typed in the tag editor: comma-separated, trimmed, empties and repeats dropped (the host checks each tag). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()))].filter((t) => t !== '');
}

export function tagsText(tags: readonly string[]): string {
  return tags.join(', ');
}

/** How long a run took, or has been running until `now` (ms); null before it starts. */
export function runMillis(run: Pick<RunSummary, 'status' | 'startedAt' | 'durationMs'>, now: number): number | null {
  if (run.durationMs !== null) return run.durationMs;
  if (run.status === 'running' && run.startedAt) return Math.max(0, now - Date.parse(run.startedAt));
  return null;
}
