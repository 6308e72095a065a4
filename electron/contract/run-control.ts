// Starting, cancelling and resuming runs through the API (the host's run engine does the work), and the run kinds
// a host knows with their configuration schemas (for forms). Records and metrics are in runs.ts.
import { z } from 'zod';
import { MAX_RUN_KIND_LENGTH, MAX_RUN_NAME_LENGTH, MAX_RUN_TAGS, runTag } from './runs.ts';

/** Queue priorities: higher first, then oldest first. */
export const MIN_RUN_PRIORITY = -100;
export const MAX_RUN_PRIORITY = 100;

export const startRunRequest = z
  .object({
    kind: z.string().min(1).max(MAX_RUN_KIND_LENGTH),
    /** The kind's configuration, checked by its schema (a refusal names `config.<field>`). */
    config: z.record(z.string(), z.unknown()),
    name: z.string().trim().min(1).max(MAX_RUN_NAME_LENGTH).optional(),
    tags: z.array(runTag).max(MAX_RUN_TAGS).optional(),
    priority: z.number().int().min(MIN_RUN_PRIORITY).max(MAX_RUN_PRIORITY).optional(),
    /** Start it even when its estimated device cost exceeds the budget set in Settings (otherwise refused, field budgetUSD). */
    overBudget: z.boolean().optional(),
    /** The user confirmed that the run's jobs on a cloud QPU are charged to their account (otherwise refused, field confirmCharges). */
    confirmCharges: z.boolean().optional(),
  })
  .strict();
export type StartRunRequest = z.infer<typeof startRunRequest>;

export interface RunKindInfo {
  kind: string;
  description: string;
  /** Whether an interrupted, failed or cancelled run of this kind can resume from its last checkpoint. */
  resumable: boolean;
  /** The configuration's JSON Schema (draft 2020-12), as far as JSON Schema can say it. */
  configSchema: unknown;
}
