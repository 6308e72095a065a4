// What `qnnlab help`, `qnnlab <group> --help` and `qnnlab <command> --help` print: the commands, and a line per flag.
import type { Command } from './command.ts';

export function programHelp(all: readonly Command[], version: string): string {
  const commands = all.filter((c) => !c.hidden);
  const width = Math.max(...commands.map((c) => c.path.join(' ').length)) + 2;
  const lines = [`qnnlab ${version}: QNN Lab on the command line`, '', 'Commands:'];
  for (const c of commands) lines.push(`  qnnlab ${c.path.join(' ').padEnd(width)}${c.summary}`);
  lines.push('', 'Run `qnnlab <command> --help` for its flags; `qnnlab --version` prints the version.');
  return lines.join('\n');
}

/** The commands of a group (e.g. `qnnlab dataset`). */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((c) => c.path[0] === group && !c.hidden);
  const width = Math.max(...members.map((c) => c.path.join(' ').length)) + 2;
  return [
    `qnnlab ${group}: ${members.length} commands`,
    '',
    ...members.map((c) => `  qnnlab ${c.path.join(' ').padEnd(width)}${c.summary}`),
    '',
    'Run `qnnlab <command> --help` for its flags.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const flags = Object.entries(command.options).map(([name, s]) => ({
    left: `--${name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`,
    right: [s.description ?? '', s.required ? '(required)' : ''].filter((t) => t !== '').join(' '),
  }));
  const width = Math.min(28, Math.max(...flags.map((f) => f.left.length), 6) + 2);
  const lines = [command.summary, '', `Usage: qnnlab ${command.usage}`];
  if (flags.length > 0) {
    lines.push('', 'Flags:');
    for (const f of flags) lines.push(f.left.length < width ? `  ${f.left.padEnd(width)}${f.right}` : `  ${f.left}\n  ${''.padEnd(width)}${f.right}`);
    lines.push(`  ${'--help'.padEnd(width)}this help`);
  }
  if (command.notes?.length) lines.push('', ...command.notes);
  return lines.join('\n');
}
