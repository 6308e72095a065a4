// The Settings page's logic: the defaults form as the settings.update request (each value checked by the contract's
// own schema, naming its field), and how to open another database file on each host. Pure (unit-tested).
import { labSettings, type UpdateSettingsRequest } from '../../../../electron/contract/settings.ts';
import type { Transport } from '../../../../electron/contract/channels.ts';
import { describeIssue } from '../../../../core/zod-issues.ts';
import { shellWord } from '../runs/command.ts';

export interface DefaultsForm {
  /** '' : the exact simulator. */
  defaultBackend: string;
  /** '' : no budget. */
  budgetUSD: number | string;
}

export function defaultsPatch(form: DefaultsForm): { patch: UpdateSettingsRequest; problems: Record<string, string> } {
  const patch = {
    defaultBackend: form.defaultBackend === '' ? null : form.defaultBackend,
    budgetUSD: form.budgetUSD === '' || form.budgetUSD === null ? null : Number(form.budgetUSD),
  };
  const problems: Record<string, string> = {};
  const parsed = labSettings.safeParse(patch);
  if (!parsed.success) for (const issue of parsed.error.issues) problems[issue.path.join('.')] ??= describeIssue(issue, patch);
  if (typeof form.budgetUSD === 'string' && form.budgetUSD.trim() !== '' && !Number.isFinite(Number(form.budgetUSD))) {
    problems.budgetUSD = `must be a number of USD; got ${JSON.stringify(form.budgetUSD)}`;
  }
  return { patch, problems };
}

/**
 * How to open another database file. A host serves one database for its whole life (its run engine, its workers and
 * every open window use that file), so another file means starting the app on it: the web host with --db, the
 * desktop app with QNNLAB_DB. Runs going on in this host are interrupted when it stops and resume from their
 * last checkpoint the next time it opens this file.
 */
export function openDatabaseCommand(transport: Transport, path: string): string {
  const file = shellWord(path.trim() || 'PATH/TO/lab.db');
  return transport === 'http' ? `npx tsx electron/web-host/main.ts --db ${file}` : `QNNLAB_DB=${file} npm start`;
}
