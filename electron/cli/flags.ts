// Flags several `qnnlab` commands share, described once (the descriptions are what `--help` prints).
import type { FlagSpec } from './command.ts';

export const dbFlag = {
  db: { type: 'string', value: 'PATH', description: "the experiment database (default: the desktop app's; the QNNLAB_DB variable also sets it)" },
} as const satisfies Record<string, FlagSpec>;

export const jsonFlag = { json: { type: 'boolean', description: 'print the result as JSON on stdout' } } as const satisfies Record<string, FlagSpec>;

/** Flags of every command that resolves a device profile by name. */
export const deviceProfileFlags = {
  profile: { type: 'string', value: 'FILE', description: "a device profile (JSON) to use; it shadows the database's copies and the built-ins of its id" },
  ...dbFlag,
} as const satisfies Record<string, FlagSpec>;

export const outFlag = { out: { type: 'string', value: 'FILE', description: 'where to write the result' } } as const satisfies Record<string, FlagSpec>;
