// The lab's settings (Settings page, settings.get / settings.update): the backend a new run starts with and the budget
// every run is checked against before it is queued (runs.start refuses a run whose estimated device cost exceeds it).
import { z } from 'zod';
import { showValue as show } from '../../core/errors.ts';

/** Longest backend name (a device profile id or a simulator), as the run kinds' configs take it. */
export const MAX_BACKEND_NAME = 100;

export const labSettings = z
  .object({
    /** The backend the New run page starts with: a simulator or a device profile id; null: the exact simulator. */
    defaultBackend: z
      .string({ error: (i) => `must be a backend name or null; got ${show(i.input)}` })
      .trim()
      .min(1, 'must be a backend name (or null for the exact simulator)')
      .max(MAX_BACKEND_NAME)
      .nullable(),
    /** The most a run may cost on a device (USD, by the estimate); null: no budget. */
    budgetUSD: z
      .number({ error: (i) => `must be a number of USD or null; got ${show(i.input)}` })
      .min(0, 'must be a non-negative number of USD')
      .max(1e9)
      .nullable(),
  })
  .strict();
export type LabSettings = z.output<typeof labSettings>;

/** A fresh database's settings: the exact simulator and no budget. */
export const DEFAULT_LAB_SETTINGS: LabSettings = { defaultBackend: null, budgetUSD: null };

/** settings.update: the settings to change (the others stay). */
export const updateSettingsRequest = labSettings.partial().strict();
export type UpdateSettingsRequest = z.input<typeof updateSettingsRequest>;
