// Settings: key -> JSON value in the `settings` table; the lab's settings (contract/settings.ts) are one key each.
import { DEFAULT_LAB_SETTINGS, labSettings, type LabSettings, type UpdateSettingsRequest } from '../../contract/settings.ts';
import { writeTransaction, type Database } from '../db/database.ts';

export function getSetting<T>(db: Database, key: string): T | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row === undefined ? undefined : (JSON.parse(row.value) as T);
}

export function setSetting(db: Database, key: string, value: unknown): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}

export function deleteSetting(db: Database, key: string): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(key);
}

const LAB_KEYS = Object.keys(DEFAULT_LAB_SETTINGS) as (keyof LabSettings)[];
const keyOf = (name: keyof LabSettings) => `lab.${name}`;

/** The lab's settings; a value missing (or one this version cannot read) is its default. */
export function readLabSettings(db: Database): LabSettings {
  const stored: Record<string, unknown> = {};
  for (const name of LAB_KEYS) stored[name] = getSetting(db, keyOf(name)) ?? DEFAULT_LAB_SETTINGS[name];
  const parsed = labSettings.safeParse(stored);
  if (parsed.success) return parsed.data;
  // One unreadable value (written by another version) falls back alone; the others stay.
  const settings = { ...DEFAULT_LAB_SETTINGS };
  for (const name of LAB_KEYS) {
    const one = labSettings.shape[name].safeParse(stored[name]);
    if (one.success) (settings as Record<string, unknown>)[name] = one.data;
  }
  return settings;
}

/** Changes the given settings in one transaction (the request is checked by the contract's schema). */
export function updateLabSettings(db: Database, patch: UpdateSettingsRequest): LabSettings {
  writeTransaction(db, () => {
    for (const name of LAB_KEYS) if (patch[name] !== undefined) setSetting(db, keyOf(name), patch[name]);
  });
  return readLabSettings(db);
}
