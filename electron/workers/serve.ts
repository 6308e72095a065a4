// A worker process's life: say `ready`, take one `start` (kind, prepared input, checkpoint), run the kind with a
// context that batches metrics and rate-limits progress, and end with `result` or `error`. `cancel` aborts the run;
// a host that goes away aborts it and ends the process. Every message from the host is checked with the protocol's
// schema: a malformed one is rejected with a log line, never acted on.
import { AbortError, LabError } from '../../core/errors.ts';
import { parseOrThrow } from '../../core/zod-issues.ts';
import {
  describeRejected,
  hostToWorker,
  MAX_LOG_MESSAGE,
  MAX_METRIC_BATCH,
  MAX_PROGRESS_LABEL,
  type HostToWorker,
  type MetricPoint,
  type WorkerError,
  type WorkerToHost,
} from '../contract/run-protocol.ts';
import type { RunContext, RunKind } from './kinds/types.ts';
import { PayloadReceiver } from './payload.ts';
import type { WorkerPort } from './port.ts';

/** How often a worker sends progress and flushes metric batches at most (a checkpoint or the end flushes at once). */
export const PROGRESS_INTERVAL_MS = 100;
export const METRIC_FLUSH_MS = 250;
/** How long a worker waits, after its final message, for its host to end it. */
export const LINGER_MS = 10 * 60_000;
const METRIC_FLUSH_POINTS = Math.min(10_000, MAX_METRIC_BATCH);

export interface ServeOptions {
  pid: number;
  /** Ends the process (process.exit in a real worker). */
  exit(code: number): void;
  now?: () => number;
  /**
   * After the last message, how long to wait for the host to end the process before ending it here. Long: a busy host
   * may take seconds to read the message, and ending sooner loses a result still in the pipe (seen at load 20).
   */
  lingerMs?: number;
}

/** Any thrown value as the protocol's error: a LabError keeps its code and fields; anything else is a bug (INTERNAL). */
export function toWorkerError(e: unknown, kind: string): WorkerError {
  const clip = (s: string) => (s.length > MAX_LOG_MESSAGE ? `${s.slice(0, MAX_LOG_MESSAGE - 3)}...` : s);
  if (e instanceof LabError) {
    const out: WorkerError = { code: e.code, message: clip(e.message) };
    if (e.field !== undefined) out.field = e.field.slice(0, 200);
    if (e.value !== undefined) out.value = e.value;
    if (e.allowed !== undefined) out.allowed = clip(e.allowed);
    if (e.details !== undefined) out.details = e.details;
    return out;
  }
  const error = e instanceof Error ? e : new Error(String(e));
  return { code: 'INTERNAL', message: clip(`The ${kind} run failed in its worker: ${error.message}`), stack: error.stack?.slice(0, MAX_LOG_MESSAGE * 4) };
}

export function serveRun(port: WorkerPort, findKind: (name: string) => RunKind, options: ServeOptions): void {
  const now = options.now ?? Date.now;
  const controller = new AbortController();
  let started = false;
  let finished = false;
  const send = (m: WorkerToHost) => port.send(m);
  const payload = new PayloadReceiver();

  port.onClose(() => {
    // Nobody is left to report to: stop the work and the process.
    controller.abort();
    options.exit(finished ? 0 : 1);
  });
  port.onMessage((raw) => {
    const parsed = hostToWorker.safeParse(raw);
    if (!parsed.success) {
      send({ type: 'log', level: 'warning', message: `The worker rejected a malformed message from its host: ${describeRejected(parsed.error, raw)}` });
      return;
    }
    const m = parsed.data;
    if (m.type === 'cancel') controller.abort();
    else if (m.type === 'payload' || m.type === 'payload-end') {
      const taken = m.type === 'payload' ? payload.accept(m.chunk) : payload.end(m.error);
      if (!taken) send({ type: 'log', level: 'warning', message: `The worker ignored a ${m.type} message after the end of its payload.` });
    } else if (started) send({ type: 'log', level: 'warning', message: 'The worker ignored a second start: one worker runs one run.' });
    else {
      started = true;
      void execute(m);
    }
  });
  send({ type: 'ready', pid: options.pid });

  async function execute(m: Extract<HostToWorker, { type: 'start' }>) {
    const reporter = createReporter(send, now);
    let final: WorkerToHost;
    try {
      const kind = findKind(m.kind);
      const input = parseOrThrow(kind.input, m.input, `${kind.kind} input`, 'input');
      if (controller.signal.aborted) throw new AbortError();
      const ctx: RunContext = {
        runId: m.runId,
        signal: controller.signal,
        resumeFrom: m.checkpoint,
        providerJobs: m.jobs ?? [],
        ...reporter.context,
        payload: () => payload.whole(controller.signal),
      };
      const result = await kind.run(input, ctx);
      final = { type: 'result', result };
    } catch (e) {
      final = { type: 'error', error: toWorkerError(e, m.kind) };
    }
    reporter.flush();
    finished = true;
    send(final);
    // The host ends the process once it has the final message (or goes away: onClose); a forgotten worker ends itself.
    const linger = setTimeout(() => options.exit(0), options.lingerMs ?? LINGER_MS);
    (linger as { unref?: () => void }).unref?.();
  }
}

/** The context's reporting half: metrics batched, progress rate-limited, both flushed before checkpoints and the end. */
function createReporter(send: (m: WorkerToHost) => void, now: () => number) {
  const points: MetricPoint[] = [];
  let lastFlush = now();
  let lastProgress = -Infinity;
  let pendingProgress: { fraction: number; label?: string } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  const sendProgress = () => {
    if (progressTimer) clearTimeout(progressTimer);
    progressTimer = null;
    if (!pendingProgress) return;
    send({ type: 'progress', ...pendingProgress });
    pendingProgress = null;
    lastProgress = now();
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    sendProgress();
    while (points.length > 0) send({ type: 'metrics', points: points.splice(0, MAX_METRIC_BATCH) });
    lastFlush = now();
  };
  // A timer sends what a long silent stretch would otherwise hold back (a run whose steps are slow).
  const schedule = () => {
    timer ??= setTimeout(flush, METRIC_FLUSH_MS);
  };
  const context: Pick<RunContext, 'progress' | 'metric' | 'checkpoint' | 'log' | 'artifact' | 'job'> = {
    progress(fraction, label) {
      pendingProgress = { fraction: Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)), label: label?.slice(0, MAX_PROGRESS_LABEL) };
      const wait = PROGRESS_INTERVAL_MS - (now() - lastProgress);
      if (wait <= 0) sendProgress();
      else progressTimer ??= setTimeout(sendProgress, wait);
    },
    metric(name, step, value) {
      points.push({ name, step, value: value !== null && Number.isFinite(value) ? value : null });
      if (points.length >= METRIC_FLUSH_POINTS || now() - lastFlush >= METRIC_FLUSH_MS) flush();
      else schedule();
    },
    checkpoint(step, payload) {
      flush();
      send({ type: 'checkpoint', checkpoint: { step, payload } });
    },
    log(level, message) {
      flush();
      send({ type: 'log', level, message: message.slice(0, MAX_LOG_MESSAGE) });
    },
    artifact(value) {
      flush();
      send({ type: 'artifact', artifact: value });
    },
    job(job) {
      // In order with the metrics and checkpoints before it.
      flush();
      send({ type: 'job', job });
    },
  };
  return { context, flush };
}
