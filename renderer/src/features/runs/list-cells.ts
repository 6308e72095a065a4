// What the runs table shows in its cells, as pure functions (tested without a DOM).
import type { ApiError } from '../../../../electron/contract/errors.ts';
import { MAX_RUN_NOTES_LENGTH, MAX_RUN_TAGS, MAX_TAG_LENGTH, type RunSummary } from '../../../../electron/contract/runs.ts';
import { sentence } from '../../lib/errors.ts';

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

/**
 * What the editor says when the host refuses tags or notes: the host's message, then what to do, from the field it
 * names (tags.N is the Nth tag sent) and the contract's limits.
 */
export function editRefusal(error: ApiError, tags: readonly string[]): string {
  const what = sentence(error.message).replace(/\.?$/, '.');
  const field = error.field ?? '';
  const index = /^tags\.(\d+)$/.exec(field);
  if (index) {
    const tag = tags[Number(index[1])] ?? '';
    return `${what} Tag ${Number(index[1]) + 1} has ${tag.length} characters; a tag has 1 to ${MAX_TAG_LENGTH}. Shorten it, then save.`;
  }
  if (field === 'tags') return `${what} A run has at most ${MAX_RUN_TAGS} tags, each of 1 to ${MAX_TAG_LENGTH} characters. Remove some, then save.`;
  if (field === 'notes') return `${what} Notes have at most ${MAX_RUN_NOTES_LENGTH.toLocaleString('en-US')} characters. Shorten them, then save.`;
  return what;
}
