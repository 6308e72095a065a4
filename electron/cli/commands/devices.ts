// `qnnlab devices [list] | devices import | devices export | devices delete`: the device profiles, built-in and the
// user's copies in the experiment database (through the same devices.* channels as the app), and the profile
// resolution every `--backend NAME` command shares: `--profile FILE` first, then the database's user copies, then
// the built-ins.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LabError } from '../../../core/errors.ts';
import { deviceCatalog, parseDeviceProfileJson, type DeviceCatalog, type DeviceProfile } from '../../../core/hardware/device-profile.ts';
import { backendNames, resolveBackend, type BackendTarget } from '../../../core/hardware/registry.ts';
import type { DeviceProfileDetail, DeviceProfileSummary } from '../../contract/devices.ts';
import type { Backend } from '../../backend/backend.ts';
import { defaultDatabasePath } from '../../backend/paths.ts';
import { profileDetail } from '../../backend/services/devices.ts';
import { printJson, stringFlag, UserError, type Command, type Flags } from '../command.ts';
import { call, openCliBackend } from '../backend-client.ts';
import { dbFlag, deviceProfileFlags, jsonFlag, outFlag } from '../flags.ts';

/** Largest profile file `devices import` / `--profile` reads. */
export const MAX_PROFILE_BYTES = 1 << 20;

function readProfileText(file: string, flag = ''): string {
  let size: number;
  try {
    size = statSync(resolve(file)).size;
  } catch (e) {
    throw new UserError(`cannot read ${flag}${file}: ${(e as Error).message}`);
  }
  if (size > MAX_PROFILE_BYTES) throw new UserError(`${file} is ${size} bytes; a device profile file may have at most ${MAX_PROFILE_BYTES} bytes`);
  return readFileSync(resolve(file), 'utf8');
}

/** --profile FILE: a device profile from a file, validated (the message names the wrong field); not stored. */
export function fileProfiles(flags: Flags): DeviceProfile[] {
  const file = stringFlag(flags, 'profile');
  if (!file) return [];
  const text = readProfileText(file, '--profile ');
  try {
    return [parseDeviceProfileJson(text)];
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
}

/**
 * The database to read device profiles from: --db PATH, else the app's database when it exists, else none (an
 * in-memory one, so that reading commands never create the user's database as a side effect).
 */
function readableDatabase(flags: Flags): string {
  const explicit = stringFlag(flags, 'db');
  if (explicit !== undefined) return explicit;
  const path = defaultDatabasePath();
  return existsSync(path) ? path : ':memory:';
}

async function withDevices<T>(flags: Flags, mode: 'read' | 'write', work: (backend: Backend) => Promise<T> | T): Promise<T> {
  const backend = openCliBackend(mode === 'read' ? readableDatabase(flags) : stringFlag(flags, 'db'));
  try {
    return await work(backend);
  } finally {
    backend.close();
  }
}

/**
 * The device catalog every `--backend NAME` command resolves through: the built-ins, shadowed by the database's user
 * copies, shadowed in turn by --profile FILE. The same resolver as the app's (DeviceProfileService.catalog).
 */
export async function cliCatalog(flags: Flags): Promise<DeviceCatalog> {
  const fromFile = fileProfiles(flags);
  return withDevices(flags, 'read', (b) => b.devices.catalog(fromFile));
}

/** Resolves `--backend NAME` once (a simulator, or a device with its resolved profile). */
export async function resolveBackendFlag(flags: Flags, name: string): Promise<BackendTarget> {
  return resolveBackend(name, await cliCatalog(flags));
}

type ListedDevice = (DeviceProfileSummary | DeviceProfileDetail) & { file?: string };

function listLine(d: ListedDevice): string {
  if (d.problem !== undefined) return `${d.id.padEnd(24)} INVALID stored copy: ${d.problem}`;
  const p = (d as DeviceProfileDetail).profile;
  const origin =
    d.file !== undefined
      ? `from ${d.file}`
      : d.builtin
        ? 'built-in'
        : d.shadowsBuiltin
          ? `user copy (${d.source}), shadows the built-in`
          : `user copy (${d.source})`;
  return (
    `${d.id.padEnd(24)} ${String(d.qubits).padStart(3)} qubits  ${d.connectivity.padEnd(10)} ${d.nativeGates.join('/').padEnd(14)} ` +
    `F1 ${p.fidelity.oneQubit.value} F2 ${p.fidelity.twoQubit.value} SPAM ${p.fidelity.spam.value}  ${p.pricing.model}  (${d.assumptions} assumed figures; ${origin})`
  );
}

const listCommand: Command = {
  path: ['devices'],
  summary: "List the device profiles: built-ins and the database's user copies (qubits, gates, fidelities, noise, pricing; sources and dates)",
  usage: 'devices [--db PATH] [--profile FILE] [--json]',
  options: { ...deviceProfileFlags, ...jsonFlag },
  async run(flags, _p, io) {
    const file = stringFlag(flags, 'profile');
    const extra = fileProfiles(flags);
    let rows: ListedDevice[] = await withDevices(flags, 'read', async (b) => {
      const list = await call(b, 'devices.list', {});
      return Promise.all(list.map((s) => (s.problem !== undefined ? s : call(b, 'devices.get', { id: s.id }))));
    });
    for (const p of extra) {
      const row: ListedDevice = { ...profileDetail(p, { source: 'imported', updatedAt: null }), file };
      const at = rows.findIndex((r) => r.id === p.id);
      rows = at >= 0 ? rows.map((r, k) => (k === at ? row : r)) : [...rows, row];
    }
    const usable = rows.filter((r): r is DeviceProfileDetail => r.problem === undefined).map((r) => r.profile);
    const backends = backendNames(deviceCatalog(usable));
    if (flags.json) {
      const devices = rows.map((r) => {
        if (r.problem !== undefined) return r;
        const p = (r as DeviceProfileDetail).profile;
        return {
          ...r,
          fidelity: { oneQubit: p.fidelity.oneQubit.value, twoQubit: p.fidelity.twoQubit.value, spam: p.fidelity.spam.value },
          pricing: p.pricing.model,
        };
      });
      return printJson(io, { devices, backends });
    }
    io.stdout.write(rows.map(listLine).join('\n') + '\n');
    io.stdout.write(`backends: ${backends.join(', ')}\n`);
  },
};

const importCommand: Command = {
  path: ['devices', 'import'],
  summary: 'Validate a device profile file and store it as a user copy (a copy with a built-in id shadows the built-in)',
  usage: 'devices import FILE [--db PATH] [--json]',
  options: { ...dbFlag, ...jsonFlag },
  positionals: 1,
  async run(flags, [file], io) {
    if (!file) throw new UserError(`a device profile file (JSON) is required\nUsage: qnnlab ${this.usage}`);
    const text = readProfileText(file);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UserError(`${file}: device profile is not valid JSON: ${(e as Error).message}`);
    }
    const saved = await withDevices(flags, 'write', async (b) => {
      try {
        return await call(b, 'devices.save', { profile: data, source: 'imported' });
      } catch (e) {
        if (e instanceof LabError) throw new LabError(e.code, `${file}: ${e.message}; nothing was stored`, { field: e.field, value: e.value });
        throw e;
      }
    });
    if (flags.json) return printJson(io, saved);
    const notes = [saved.shadowsBuiltin ? 'it shadows the built-in profile of that id' : '', saved.replaced ? 'it replaces the previous user copy' : ''].filter(
      (s) => s !== '',
    );
    io.stdout.write(
      `stored device profile "${saved.id}" (${saved.name}, ${saved.qubits} qubits, ${saved.assumptions} assumed figures)${notes.length ? `; ${notes.join('; ')}` : ''}\n`,
    );
  },
};

const exportCommand: Command = {
  path: ['devices', 'export'],
  summary: 'Write a device profile (built-in or user copy) as JSON, to edit and import back',
  usage: 'devices export ID [--out FILE] [--db PATH]',
  options: { ...dbFlag, out: { ...outFlag.out, description: 'write the profile to FILE (default: stdout)' } },
  positionals: 1,
  async run(flags, [id], io) {
    if (!id) throw new UserError(`a device profile id is required (see \`qnnlab devices\`)\nUsage: qnnlab ${this.usage}`);
    const detail = await withDevices(flags, 'read', (b) => call(b, 'devices.get', { id }));
    const text = JSON.stringify(detail.profile, null, 2) + '\n';
    const out = stringFlag(flags, 'out');
    if (out === undefined) return void io.stdout.write(text);
    try {
      writeFileSync(resolve(out), text);
    } catch (e) {
      throw new UserError(`cannot write ${out}: ${(e as Error).message}`);
    }
    io.stderr.write(`wrote ${out}\n`);
  },
};

const deleteCommand: Command = {
  path: ['devices', 'delete'],
  summary: 'Delete a user copy of a device profile (a shadowed built-in comes back; built-ins cannot be deleted)',
  usage: 'devices delete ID [--db PATH] [--json]',
  options: { ...dbFlag, ...jsonFlag },
  positionals: 1,
  async run(flags, [id], io) {
    if (!id) throw new UserError(`a device profile id is required (see \`qnnlab devices\`)\nUsage: qnnlab ${this.usage}`);
    const deleted = await withDevices(flags, 'read', (b) => call(b, 'devices.delete', { id }));
    if (flags.json) return printJson(io, deleted);
    io.stdout.write(`deleted the user copy "${deleted.id}"${deleted.restoredBuiltin ? '; the built-in profile of that id is used again' : ''}\n`);
  },
};

export const deviceCommands: Command[] = [listCommand, importCommand, exportCommand, deleteCommand];
