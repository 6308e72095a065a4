// `qnnlab run start | list | show | cancel | resume | wait | delete`: runs in the experiment database, through the same
// run engine as the app (electron/backend/runs/engine.ts), so a run started here appears live in the app and survives
// a crash of this process (it becomes `interrupted`; `run resume` continues it from its last checkpoint).
// - Without --detach a run executes in a worker process of this command's engine: a progress bar on stderr, Ctrl+C
//   cancels it, the final run is printed at the end and the exit code says how it ended.
// - With --detach the run goes to a runner process of its own (`qnnlab run _runner`, started detached): the run is
//   created queued and owned by the runner's owner id before this command returns, so no app host takes it, and the
//   runner runs exactly that run and exits.
// - The other commands open an engine that runs nothing: constructing it marks `interrupted` the runs whose process
//   died, so `run list` right after a crash already says so; `run cancel` and `run wait` watch other processes' runs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LabError } from '../../../core/errors.ts';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import type { Events } from '../../contract/channels.ts';
import { startRunRequest } from '../../contract/run-control.ts';
import {
  RUN_LOG_PAGE_SIZE,
  RUN_STATUSES,
  RUNS_PAGE_SIZE,
  MAX_RUN_NAME_LENGTH,
  MAX_RUN_TAGS,
  type LogLine,
  type RunDetail,
  type RunStatus,
} from '../../contract/runs.ts';
import type { Backend } from '../../backend/backend.ts';
import { CANCEL_GRACE_MS, HEARTBEAT_MS, newOwner, RunEngine, TERMINAL_STATUSES, type SubmitRequest } from '../../backend/runs/engine.ts';
import { localExecutor, type RunExecutor } from '../../backend/runs/executor.ts';
import { forkLauncher } from '../../backend/runs/launcher.ts';
import type { RunOwner } from '../../backend/runs/run-store.ts';
import { projectRoot } from '../../backend/paths.ts';
import type { RunRecord, RunService } from '../../backend/services/runs.ts';
import { RUN_KIND_NAMES } from '../../workers/kinds/index.ts';
import { listFlag, numberFlag, printJson, stringFlag, UserError, type Command, type CommandIO, type Flags, type FlagSpecs } from '../command.ts';
import { call, openCliBackend } from '../backend-client.ts';
import { dbFlag, jsonFlag } from '../flags.ts';
import { createProgressBar } from '../progress.ts';
import { printable } from './dataset.ts';
import { experimentFlags, experimentRunConfigFromFlags } from './impute.ts';
import { trainConfigFromFlags, trainRunFlags } from './train-flags.ts';

/** Largest `--config @FILE` read (a run's config is small; a dataset travels by id, never inside a config). */
const MAX_CONFIG_BYTES = 16 * 2 ** 20;
/** Log lines `run show` prints (`--json` has the same lines). */
const RECENT_LOG_LINES = 20;
/** How long `run cancel` waits for another process's run to stop: its owner sees the request within a heartbeat,
 *  then the worker has CANCEL_GRACE_MS to stop before it is killed. */
const DEFAULT_CANCEL_TIMEOUT_S = Math.ceil((CANCEL_GRACE_MS + 5 * HEARTBEAT_MS) / 1000);
const POLL_MS = 100;

/** The `qnnlab` launcher a detached runner starts with (the same Node as this process). */
const QNNLAB_BIN = join(projectRoot(), 'bin', 'qnnlab.mjs');

/** An engine that runs nothing here: it recovers runs whose process died, cancels and resumes by the database. */
const RUNS_NOTHING: RunExecutor = {
  name: 'none (this process runs nothing)',
  capacity: 0,
  execute() {
    throw new Error('this engine runs nothing');
  },
};

function engineOn(backend: Backend, executor: RunExecutor, options: { owner?: RunOwner; warn?: (m: string) => void } = {}): RunEngine {
  return new RunEngine({
    runs: backend.runs,
    host: backend.runHost,
    executor,
    claimUnowned: false,
    owner: options.owner,
    warn: options.warn ?? (() => {}),
  });
}

/** The database of --db with an engine that runs nothing (its construction marks dead processes' runs interrupted). */
async function withRuns<T>(flags: Flags, work: (backend: Backend, engine: RunEngine) => Promise<T>): Promise<T> {
  const backend = openCliBackend(stringFlag(flags, 'db'));
  let engine: RunEngine | undefined;
  try {
    engine = engineOn(backend, RUNS_NOTHING);
    return await work(backend, engine);
  } finally {
    await engine?.close();
    backend.close();
  }
}

function runIdOf(positionals: string[], usage: string): number {
  const raw = positionals[0];
  if (raw === undefined) throw new UserError(`a run id is required (see \`qnnlab run list\`)\nUsage: qnnlab ${usage}`, { field: 'id' });
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new UserError(`a run id is a positive whole number (see \`qnnlab run list\`); got "${raw}"`, { field: 'id', value: raw });
  return id;
}

/** `--db PATH` as the user gave it, for the commands this one suggests. */
const dbHint = (flags: Flags) => (flags.db === undefined ? '' : ` --db ${String(flags.db)}`);

// --- what is printed ---------------------------------------------------------------------------------------------------

/** A run as `run show --json` prints it (and `run start`, `resume` and `wait` at the end): its detail and recent log lines. */
export type RunView = RunDetail & { logs: LogLine[] };

async function runView(backend: Backend, id: number): Promise<RunView> {
  const detail = await call(backend, 'runs.get', { id });
  let logs: LogLine[] = [];
  for (let afterId: number | undefined; ;) {
    const page = await call(backend, 'runs.logs', { id, afterId, limit: RUN_LOG_PAGE_SIZE.max });
    logs = [...logs, ...page.lines].slice(-RECENT_LOG_LINES);
    if (!page.hasMore || page.lines.length === 0) break;
    afterId = page.lines[page.lines.length - 1].id;
  }
  return { ...detail, logs };
}

const percent = (p: number | null) => (p === null ? '-' : `${Math.floor(100 * p)}%`);

function seconds(ms: number | null): string {
  return ms === null ? '' : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

/** One line of JSON, cut to `max` characters (`--json` shows it whole). */
function oneLine(value: unknown, max = 400): string {
  const text = JSON.stringify(value) ?? 'null';
  return printable(text.length > max ? `${text.slice(0, max - 3)}...` : text);
}

function showText(v: RunView): string {
  const lines = [`run ${v.id}: ${printable(v.name ?? '(no name)')}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(9)} ${text}`);
  row('kind', v.kind);
  row('status', `${v.status}${v.status === 'running' || v.progress !== null ? `, progress ${percent(v.progress)}` : ''}`);
  if (v.workerPid !== null) row('worker', `pid ${v.workerPid}`);
  if (v.parentId !== null) row('parent', `run ${v.parentId}`);
  row(
    'created',
    `${v.createdAt}${v.startedAt ? `, started ${v.startedAt}` : ''}${v.finishedAt ? `, finished ${v.finishedAt} (${seconds(v.durationMs)})` : ''}`,
  );
  if (v.datasetName !== null) row('dataset', `${printable(v.datasetName)}${v.datasetId === null ? ' (deleted since)' : ` (id ${v.datasetId})`}`);
  if (v.tags.length > 0) row('tags', printable(v.tags.join(', ')));
  if (v.seeds.length > 0) row('seeds', v.seeds.join(', '));
  row('version', v.appVersion);
  row('config', oneLine(v.config));
  if (v.error !== null) row('error', printable(v.error));
  if (v.childCount > 0) row('children', `${v.childCount} runs (qnnlab run list --parent ${v.id})`);
  if (v.metrics.length > 0) row('metrics', v.metrics.map((m) => `${printable(m.name)} (${m.count} points, steps ${m.firstStep}-${m.lastStep})`).join(', '));
  if (v.result !== null) row('result', `${oneLine(v.result)}${JSON.stringify(v.result).length > 400 ? ` (all of it: qnnlab run show ${v.id} --json)` : ''}`);
  if (v.logs.length > 0) {
    lines.push('  log');
    for (const l of v.logs) lines.push(`    ${l.at} ${l.level.padEnd(7)} ${printable(l.message).replace(/\n/g, '\n      ')}`);
  }
  return lines.join('\n');
}

function printRun(io: CommandIO, flags: Flags, view: RunView): void {
  if (flags.json) printJson(io, view);
  else io.stdout.write(showText(view) + '\n');
}

/** The exit code of a run that ended (0 succeeded, 1 failed or interrupted, 130 cancelled), with a line saying why. */
function exitCodeOf(io: CommandIO, flags: Flags, run: RunRecord): number {
  const resume = `continue it from its last checkpoint with \`qnnlab run resume ${run.id}${dbHint(flags)}\``;
  switch (run.status) {
    case 'succeeded':
      return 0;
    case 'cancelled':
      io.stderr.write(`qnnlab: run ${run.id} was cancelled; ${resume}\n`);
      return 130;
    case 'interrupted':
      io.stderr.write(`qnnlab: run ${run.id} was interrupted: ${printable(run.error ?? '')} (\`qnnlab run resume ${run.id}${dbHint(flags)}\`)\n`);
      return 1;
    default:
      io.stderr.write(`qnnlab: run ${run.id} ${run.status}: ${printable(run.error ?? '')}\n`);
      return 1;
  }
}

// --- waiting for a run ---------------------------------------------------------------------------------------------------

/**
 * Resolves with the run once it has ended, or as it is when `signal` aborts. A run this engine held and let go of
 * without recording its end (the database refused the write) is an error with the engine's reasons.
 */
export async function untilEnded(
  engine: Pick<RunEngine, 'running'>,
  runs: Pick<RunService, 'get' | 'db'>,
  id: number,
  options: { signal?: AbortSignal; onPoll?: (run: RunRecord) => void; problems?: string[] } = {},
): Promise<RunRecord> {
  let held = false;
  for (;;) {
    const run = runs.get(id);
    const holding = engine.running().includes(id);
    held ||= holding;
    if (TERMINAL_STATUSES.includes(run.status) && !holding) return run;
    const problems = options.problems ?? [];
    if (!holding && (held || problems.length > 0)) {
      throw new LabError(
        'DATABASE',
        `Run ${id} stopped, but the database ${runs.db.name} did not take its results: ${problems[0] ?? 'its end could not be written'}. ` +
          'Once the database can be written again, the next `qnnlab run list` marks it interrupted; resume it then.',
        { field: 'db' },
      );
    }
    options.onPoll?.(run);
    if (options.signal?.aborted) return run;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

// --- starting a run ----------------------------------------------------------------------------------------------------

/** Runs `begin` (a submit or a resume) in this process's engine and follows the run to its end. */
async function runHere(flags: Flags, io: CommandIO, begin: (engine: RunEngine) => Promise<RunRecord>): Promise<number> {
  const problems: string[] = [];
  const backend = openCliBackend(stringFlag(flags, 'db'), {
    launcher: forkLauncher(),
    claimUnowned: false,
    // Each distinct warning once (a worker stopped for a failed write may still have messages on their way).
    warn: (m) => {
      if (problems.includes(m)) return;
      problems.push(m);
      io.stderr.write(`qnnlab: ${printable(m)}\n`);
    },
  });
  const engine = backend.engine!;
  let id: number | null = null;
  const bar = createProgressBar(io.stderr, 'run');
  const unsubscribe = backend.events.subscribe((event, payload) => {
    const p = payload as Events['runs.progress'];
    if (event === 'runs.progress' && p.id === id) bar.update(p.fraction, p.label ?? '');
  });
  // Ctrl+C cancels the run: its worker stops at the next step and the run keeps its last checkpoint.
  const cancel = () => void (id !== null && engine.cancel(id).catch(() => {}));
  io.signal.addEventListener('abort', cancel);
  try {
    const started = await begin(engine);
    id = started.id;
    io.stderr.write(`run ${id}: ${printable(started.name ?? started.kind)} (Ctrl+C cancels it)\n`);
    if (io.signal.aborted) cancel();
    const run = await untilEnded(engine, backend.runs, id, { problems });
    bar.done();
    printRun(io, flags, await runView(backend, id));
    return exitCodeOf(io, flags, run);
  } finally {
    io.signal.removeEventListener('abort', cancel);
    unsubscribe();
    await backend.shutdown();
  }
}

/**
 * Runs `begin` for a detached runner: the runner starts first (its pid is part of its owner id), the run is queued for
 * that owner in the same transaction that creates or requeues it, then the runner learns the run's id on its stdin.
 * A runner that gets no id (this command failed) exits at once; one that dies leaves a run that recovery marks interrupted.
 */
async function runDetached(flags: Flags, io: CommandIO, begin: (engine: RunEngine) => Promise<RunRecord>): Promise<number> {
  const backend = openCliBackend(stringFlag(flags, 'db'));
  const key = randomBytes(6).toString('hex');
  const runner = spawn(process.execPath, [QNNLAB_BIN, 'run', '_runner', '--db', resolve(backend.databasePath), '--owner-key', key], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  runner.on('error', () => {}); // a failed spawn has no pid: handled below
  runner.stdin?.on('error', () => {}); // a runner that died early closes its stdin
  let engine: RunEngine | undefined;
  let id: number | null = null;
  try {
    if (runner.pid === undefined) throw new LabError('INTERNAL', `could not start a runner process (${process.execPath} ${QNNLAB_BIN})`);
    engine = engineOn(backend, RUNS_NOTHING, { owner: newOwner(runner.pid, key) });
    id = (await begin(engine)).id;
  } finally {
    runner.stdin?.end(id === null ? '' : `${id}\n`);
    runner.unref();
    await engine?.close();
    backend.close();
  }
  printJson(io, { id });
  io.stderr.write(`run ${id} goes on in the background (runner pid ${runner.pid}); follow it with \`qnnlab run wait ${id}${dbHint(flags)}\`\n`);
  return 0;
}

/** The request the API's runs.start takes, checked by its schema (a name or tag too long names its field). */
function submitRequest(flags: Flags, kind: string, config: unknown): SubmitRequest {
  return parseOrThrow(
    startRunRequest,
    {
      kind,
      config,
      name: stringFlag(flags, 'name'),
      tags: listFlag(flags, 'tag'),
      overBudget: flags['over-budget'] === true || undefined,
      confirmCharges: flags.yes === true || undefined,
    },
    'run',
  );
}

function start(flags: Flags, io: CommandIO, request: SubmitRequest): Promise<number> {
  const begin = (engine: RunEngine) => engine.submit(request);
  return flags.detach ? runDetached(flags, io, begin) : runHere(flags, io, begin);
}

const startFlags = {
  ...dbFlag,
  detach: { type: 'boolean', description: 'print {"id": N} at once; the run goes on in a background process (`qnnlab run wait N` follows it)' },
  name: { type: 'string', value: 'NAME', description: `the run's name in lists (default: from its config; up to ${MAX_RUN_NAME_LENGTH} characters)` },
  tag: { type: 'string', value: 'T,...', description: `comma-separated tags (at most ${MAX_RUN_TAGS})` },
  'over-budget': { type: 'boolean', description: "start it even when its estimated device cost exceeds the budget set in the app's Settings" },
  ...jsonFlag,
} as const satisfies FlagSpecs;

const startNotes = [
  'Without --detach the run executes in a worker of this command, with a progress bar; Ctrl+C cancels it (exit 130; `qnnlab run resume N`',
  'continues it). At the end the run is printed as `qnnlab run show N` prints it (--json: as JSON). Exit code: 0 succeeded, 1 failed or',
  'interrupted, 130 cancelled. The run is recorded in the database (--db) and appears in the app.',
];

/** `--config JSON` or `--config @FILE`. */
export function configFlag(flags: Flags): unknown {
  const raw = stringFlag(flags, 'config', true)!;
  let text = raw;
  if (raw.startsWith('@')) {
    const file = resolve(raw.slice(1));
    let size: number;
    try {
      size = statSync(file).size;
    } catch (e) {
      throw new UserError(`--config ${raw}: cannot read ${file}: ${(e as Error).message}`, { field: 'config', value: raw });
    }
    if (size > MAX_CONFIG_BYTES)
      throw new UserError(`--config ${raw} has ${size} bytes; a run's config may have at most ${MAX_CONFIG_BYTES}`, { field: 'config' });
    text = readFileSync(file, 'utf8');
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--config must be a JSON object (or @FILE holding one): ${(e as Error).message}`, { field: 'config', value: raw.slice(0, 200) });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UserError(`--config must be a JSON object of the kind's settings, e.g. '{"qubits": 8, "layers": 3}'; got ${text.slice(0, 200)}`, {
      field: 'config',
    });
  }
  return config;
}

const configOption = {
  config: { type: 'string', value: 'JSON|@FILE', description: "the run's whole config as JSON, or @FILE to read it from a file (instead of the flags)" },
} as const satisfies FlagSpecs;

/**
 * `qnnlab run start KIND` with the flags of the kind's own command (mapped by the function that command uses), or
 * its whole config with --config.
 */
function startKindCommand(kind: string, spec: Pick<Command, 'summary' | 'usage' | 'options'>, configFromFlags: (flags: Flags) => unknown): Command {
  return {
    path: ['run', 'start', kind],
    summary: spec.summary,
    usage: `${spec.usage}\n       qnnlab run start ${kind} --config JSON|@FILE [--db PATH] [--detach] [--name N] [--tag T,...] [--json]`,
    options: { ...spec.options, ...configOption, ...startFlags },
    notes: startNotes,
    run(flags, _p, io) {
      if (flags.config === undefined) return start(flags, io, submitRequest(flags, kind, configFromFlags(flags)));
      const given = Object.keys(spec.options).filter((name) => flags[name] !== undefined);
      if (given.length > 0) throw new UserError(`give the config with --config or with flags, not both (--config and --${given[0]})`, { field: given[0] });
      return start(flags, io, submitRequest(flags, kind, configFlag(flags)));
    },
  };
}

const startTrainCommand = startKindCommand(
  'train',
  {
    summary: 'Start a training run (the flags of `qnnlab train`, or --dataset ID --target COL), recorded in the database',
    usage:
      'run start train (--qubits N --layers L | --dataset ID --target COL) [the flags of qnnlab train] [--db PATH] [--detach] [--name N] [--tag T,...] [--json]',
    options: trainRunFlags,
  },
  trainConfigFromFlags,
);

// An experiment run works on a dataset of the database, in one worker, with the database's device profiles: the flags
// of a CSV file (--data, --missing), of local worker processes and of a profile file do not apply; --db and --json are the run's.
const { data: _file, missing: _tokens, workers: _workers, db: _db, profile: _profile, json: _json, ...datasetExperimentFlags } = experimentFlags;
const startExperimentCommand = startKindCommand(
  'experiment',
  {
    summary: 'Start an imputation experiment run on a dataset of the database (the flags of `qnnlab experiment`); each seed is kept as it finishes',
    usage:
      'run start experiment --dataset ID --outcome COL --methods LIST [the flags of qnnlab experiment] [--db PATH] [--detach] [--name N] [--tag T,...] [--json]',
    options: { ...datasetExperimentFlags, dataset: { ...experimentFlags.dataset, required: true } },
  },
  experimentRunConfigFromFlags,
);

const startCommand: Command = {
  path: ['run', 'start'],
  summary: "Start a run of any kind from its config as JSON (the kind's schema checks it)",
  usage: `run start KIND --config JSON|@FILE [--db PATH] [--detach] [--name N] [--tag T,...] [--json]   (KIND: ${RUN_KIND_NAMES.join(', ')})`,
  positionals: 1,
  options: { config: { ...configOption.config, required: true }, ...startFlags },
  notes: [`Kinds: ${RUN_KIND_NAMES.join(', ')}. \`qnnlab run start train\` also takes the flags of \`qnnlab train\`.`, ...startNotes],
  run(flags, positionals, io) {
    const kind = positionals[0];
    if (kind === undefined)
      throw new UserError(`the run kind is required: one of ${RUN_KIND_NAMES.join(', ')}`, { field: 'kind', allowed: RUN_KIND_NAMES.join(', ') });
    return start(flags, io, submitRequest(flags, kind, configFlag(flags)));
  },
};

// --- the other commands --------------------------------------------------------------------------------------------------

const listCommand: Command = {
  path: ['run', 'list'],
  summary: 'List the runs of the database, newest first (kind, status, progress, times, name)',
  usage: 'run list [--status S,...] [--kind K,...] [--parent ID] [--db PATH] [--json]',
  options: {
    status: { type: 'string', value: 'S,...', description: `only runs in these statuses: ${RUN_STATUSES.join(', ')}` },
    kind: { type: 'string', value: 'K,...', description: `only runs of these kinds (${RUN_KIND_NAMES.join(', ')}, ...)` },
    parent: { type: 'string', value: 'ID', description: "the child runs of this run (an experiment's per-method and per-seed runs)" },
    ...dbFlag,
    ...jsonFlag,
  },
  async run(flags, _p, io) {
    const status = listFlag(flags, 'status');
    const unknown = status?.find((s) => !(RUN_STATUSES as readonly string[]).includes(s));
    if (unknown !== undefined)
      throw new UserError(`--status takes ${RUN_STATUSES.join(', ')} (comma-separated); got "${unknown}"`, { field: 'status', value: unknown });
    const query = {
      status: status as RunStatus[] | undefined,
      kind: listFlag(flags, 'kind'),
      parentId: numberFlag(flags, 'parent', { integer: true, min: 1 }),
    };
    const runs = await withRuns(flags, async (backend) => {
      const all = [];
      for (let cursor: string | undefined; ;) {
        const page = await call(backend, 'runs.list', { ...query, limit: RUNS_PAGE_SIZE.max, cursor });
        all.push(...page.runs);
        if (page.nextCursor === null) return all;
        cursor = page.nextCursor;
      }
    });
    const rows = runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      status: r.status,
      progress: r.progress,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
    }));
    if (flags.json) return printJson(io, rows);
    if (rows.length === 0) return void io.stdout.write('no runs\n');
    const width = Math.max(4, ...rows.map((r) => r.kind.length));
    io.stdout.write(`${'id'.padStart(5)}  ${'kind'.padEnd(width)}  ${'status'.padEnd(11)} ${'done'.padStart(4)}  ${'created'.padEnd(24)}  name\n`);
    for (const r of rows) {
      io.stdout.write(
        `${String(r.id).padStart(5)}  ${printable(r.kind).padEnd(width)}  ${r.status.padEnd(11)} ${percent(r.progress).padStart(4)}  ${r.createdAt.padEnd(24)}  ${printable(r.name ?? '')}\n`,
      );
    }
  },
};

const showCommand: Command = {
  path: ['run', 'show'],
  summary: "Show a run: config, status, progress, worker pid, result (trained parameters, an experiment's summary), metrics, log",
  usage: 'run show ID [--db PATH] [--json]',
  positionals: 1,
  options: { ...dbFlag, ...jsonFlag },
  async run(flags, positionals, io) {
    const id = runIdOf(positionals, this.usage);
    printRun(io, flags, await withRuns(flags, (backend) => runView(backend, id)));
  },
};

const cancelCommand: Command = {
  path: ['run', 'cancel'],
  summary: 'Cancel a queued or running run (also one another process runs) and wait until it has stopped',
  usage: 'run cancel ID [--timeout S] [--db PATH] [--json]',
  positionals: 1,
  options: {
    timeout: { type: 'string', value: 'S', description: `seconds to wait for a running run to stop (default ${DEFAULT_CANCEL_TIMEOUT_S})` },
    ...dbFlag,
    ...jsonFlag,
  },
  async run(flags, positionals, io) {
    const id = runIdOf(positionals, this.usage);
    const timeout = numberFlag(flags, 'timeout', { min: 0, max: 24 * 3600 }) ?? DEFAULT_CANCEL_TIMEOUT_S;
    return withRuns(flags, async (backend, engine) => {
      await engine.cancel(id);
      const run = await untilEnded(engine, backend.runs, id, { signal: AbortSignal.any([io.signal, AbortSignal.timeout(timeout * 1000)]) });
      if (!TERMINAL_STATUSES.includes(run.status)) {
        if (io.signal.aborted)
          throw new LabError('CANCELLED', `stopped waiting; run ${id} was asked to stop and will (see \`qnnlab run show ${id}${dbHint(flags)}\`)`);
        throw new LabError(
          'BUSY',
          `Run ${id} was asked to stop but is still ${run.status} after ${timeout} s: the process running it${run.workerPid === null ? '' : ` (worker pid ${run.workerPid})`} has not answered. ` +
            `Check it with \`qnnlab run show ${id}${dbHint(flags)}\`; wait longer with --timeout, or end that process: the run then becomes interrupted.`,
          { field: 'id', value: id },
        );
      }
      printRun(io, flags, await runView(backend, id));
      if (run.status !== 'cancelled') io.stderr.write(`qnnlab: run ${id} ${run.status} before the cancel reached it\n`);
    });
  },
};

const resumeCommand: Command = {
  path: ['run', 'resume'],
  summary: 'Resume an interrupted, failed or cancelled run from its last checkpoint (a training ends as if never stopped)',
  usage: 'run resume ID [--detach] [--db PATH] [--json]',
  positionals: 1,
  options: { ...dbFlag, detach: startFlags.detach, ...jsonFlag },
  notes: startNotes,
  run(flags, positionals, io) {
    const id = runIdOf(positionals, this.usage);
    const begin = (engine: RunEngine) => engine.resume(id);
    return flags.detach ? runDetached(flags, io, begin) : runHere(flags, io, begin);
  },
};

const waitCommand: Command = {
  path: ['run', 'wait'],
  summary: 'Wait for a run to end (progress bar); exit code 0 succeeded, 1 failed or interrupted, 130 cancelled',
  usage: 'run wait ID [--db PATH] [--json]',
  positionals: 1,
  options: { ...dbFlag, ...jsonFlag },
  notes: ['Ctrl+C stops waiting; the run goes on.'],
  async run(flags, positionals, io) {
    const id = runIdOf(positionals, this.usage);
    return withRuns(flags, async (backend, engine) => {
      const bar = createProgressBar(io.stderr, `run ${id}`);
      const run = await untilEnded(engine, backend.runs, id, { signal: io.signal, onPoll: (r) => r.progress !== null && bar.update(r.progress, r.status) });
      bar.done();
      if (!TERMINAL_STATUSES.includes(run.status)) throw new LabError('CANCELLED', `stopped waiting; run ${id} goes on (it is ${run.status})`);
      printRun(io, flags, await runView(backend, id));
      return exitCodeOf(io, flags, run);
    });
  },
};

const deleteCommand: Command = {
  path: ['run', 'delete'],
  summary: 'Delete a run with its children, metrics, logs and checkpoints (refused while it is queued or running)',
  usage: 'run delete ID [--db PATH] [--json]',
  positionals: 1,
  options: { ...dbFlag, ...jsonFlag },
  async run(flags, positionals, io) {
    const id = runIdOf(positionals, this.usage);
    const deleted = await withRuns(flags, (backend) => call(backend, 'runs.delete', { id }));
    if (flags.json) return printJson(io, deleted);
    const children = deleted.ids.length - 1;
    io.stdout.write(`deleted run ${id}${children > 0 ? ` and its ${children} child run${children === 1 ? '' : 's'}` : ''}\n`);
  },
};

/** Reads all of a stream (the runner's stdin: its run id). */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

const runnerCommand: Command = {
  path: ['run', '_runner'],
  hidden: true,
  summary: 'Runs one detached run (started by `run start --detach` and `run resume --detach`, which write its id to stdin)',
  usage: 'run _runner --owner-key KEY [--db PATH] < RUN_ID',
  options: { ...dbFlag, 'owner-key': { type: 'string', value: 'KEY', required: true } },
  async run(flags) {
    const id = Number((await readAll(process.stdin)).trim());
    if (!Number.isSafeInteger(id) || id < 1) return 1; // the starting command made no run
    const backend = openCliBackend(stringFlag(flags, 'db'));
    // Its warnings go to the run's log: nobody reads this process's output.
    const problems: string[] = [];
    const warn = (m: string) => {
      problems.push(m);
      try {
        backend.runs.log(id, 'warning', m);
      } catch {
        // the database refuses writes: the run ends unrecorded and recovery marks it interrupted
      }
    };
    const engine = engineOn(backend, localExecutor(forkLauncher(), 1), { owner: newOwner(process.pid, stringFlag(flags, 'owner-key')), warn });
    try {
      await untilEnded(engine, backend.runs, id, { problems });
    } finally {
      await engine.close();
      backend.close();
    }
  },
};

export const runCommands: Command[] = [
  startTrainCommand,
  startExperimentCommand,
  startCommand,
  listCommand,
  showCommand,
  cancelCommand,
  resumeCommand,
  waitCommand,
  deleteCommand,
  runnerCommand,
];
