// The HTTP client of IonQ's API v0.4: every request has a time-out; 429, 502, 503, 504, time-outs and network
// failures are retried with exponential backoff (capped, honouring Retry-After); a POST whose answer was lost may have
// created the job, so before it is sent again the caller's `recover` looks the job up (by its deterministic name).
// Pure: the transport (fetch), the clock and the sleep are injected, so core stays free of node:* and tests drive time.
import { AbortError, InvalidInputError, LabError, throwIfAborted } from '../../../errors.ts';
import { parseOrThrow } from '../../../zod-issues.ts';
import { timerSleep, type Sleep } from '../../device-jobs.ts';
import {
  errorMessage,
  ionqCost,
  ionqEstimate,
  ionqJob,
  ionqJobList,
  ionqMultiProbabilities,
  ionqProbabilities,
  IONQ_TERMINAL,
  type IonqJob,
  type IonqJobBody,
} from './wire.ts';
import type { IonqAggregation } from './backends.ts';
import type { z } from 'zod';

/** What the client needs of fetch (globalThis.fetch satisfies it). */
export type Transport = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface IonqClientOptions {
  url: string;
  /** null: no key configured (every call but GET /backends is refused with what to do). */
  apiKey: string | null;
  transport?: Transport;
  sleep?: Sleep;
  signal?: AbortSignal;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 5), backoff base and cap (default 500 ms doubling, at most 30 s). */
  retries?: number;
  backoffMs?: number;
  backoffCapMs?: number;
  /** Polling of a job's status: first wait and cap (default 250 ms growing by half, at most 30 s). */
  pollMs?: number;
  pollCapMs?: number;
}

export const IONQ_CLIENT_DEFAULTS = { timeoutMs: 30_000, retries: 5, backoffMs: 500, backoffCapMs: 30_000, pollMs: 250, pollCapMs: 30_000 } as const;
/** How many pages of GET /jobs a lookup by name reads (100 jobs each). */
const LOOKUP_PAGES = 10;

const RETRIABLE = new Set([429, 502, 503, 504]);
/** Answers after which a POST may still have taken effect. */
const AMBIGUOUS = new Set([502, 504]);

type Failure = { kind: 'status'; status: number; body: unknown; retryAfterMs?: number } | { kind: 'timeout' } | { kind: 'network'; message: string };

export const NO_KEY_MESSAGE =
  'No IonQ API key is set: set QNNLAB_IONQ_API_KEY to a key from cloud.ionq.com (API keys), or save one in the desktop app (Settings, IonQ), then try again.';

export class IonqClient {
  readonly url: string;
  private readonly o: Required<Omit<IonqClientOptions, 'signal' | 'apiKey'>> & Pick<IonqClientOptions, 'signal' | 'apiKey'>;

  constructor(options: IonqClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.o = {
      ...IONQ_CLIENT_DEFAULTS,
      transport: options.transport ?? ((url, init) => fetch(url, init)),
      sleep: options.sleep ?? timerSleep,
      ...stripUndefined(options),
      url: this.url,
      apiKey: options.apiKey,
    };
  }

  /** POST /jobs; `recover` is asked before a resend whether the lost answer's job exists after all. */
  async createJob(body: IonqJobBody, recover?: () => Promise<string | undefined>): Promise<string> {
    const found =
      recover &&
      (async () => {
        const id = await recover();
        return id === undefined ? undefined : { id };
      });
    const out = await this.request('POST', '/jobs', { body, recover: found });
    return parseOrThrow(ionqJob.pick({ id: true }).loose(), out, 'IonQ job creation answer').id;
  }

  async job(id: string): Promise<IonqJob> {
    return parseOrThrow(ionqJob, await this.request('GET', `/jobs/${encodeURIComponent(id)}`), 'IonQ job');
  }

  async cancel(id: string): Promise<void> {
    await this.request('PUT', `/jobs/${encodeURIComponent(id)}/status/cancel`);
  }

  /** The newest job of this name (QNN Lab's names are deterministic per run and step), looked up in the recent jobs. */
  async findByName(name: string): Promise<{ id: string; status: string } | undefined> {
    let next: string | null | undefined;
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const query = new URLSearchParams({ limit: '100' });
      if (next) query.set('next', next);
      const list = parseOrThrow(ionqJobList, await this.request('GET', `/jobs?${query}`), 'IonQ job list');
      const hit = list.jobs.find((j) => j.name === name);
      if (hit) return { id: hit.id, status: hit.status };
      next = list.next;
      if (!next) return undefined;
    }
    return undefined;
  }

  /** Polls GET /jobs/{id} until the job ends (waits growing from pollMs to pollCapMs), reporting each new status. */
  async waitForJob(id: string, onStatus?: (job: IonqJob) => void): Promise<IonqJob> {
    let wait = this.o.pollMs;
    let last = '';
    for (;;) {
      const job = await this.job(id);
      if (job.status !== last) onStatus?.(job);
      last = job.status;
      if (IONQ_TERMINAL.includes(job.status)) return job;
      await this.pause(wait);
      wait = Math.min(this.o.pollCapMs, wait * 1.5);
    }
  }

  /** A completed job's probabilities: one distribution per circuit, in the order submitted. */
  async probabilities(job: IonqJob, aggregation?: IonqAggregation): Promise<z.infer<typeof ionqProbabilities>[]> {
    const url = job.results?.probabilities?.url ?? `/jobs/${job.id}/results/probabilities`;
    const path = url.replace(/^\/v\d+\.\d+/, '');
    const answer = await this.request('GET', aggregation ? `${path}?aggregation=${aggregation}` : path);
    if (!job.child_job_ids?.length) return [parseOrThrow(ionqProbabilities, answer, 'IonQ probabilities')];
    const byChild = parseOrThrow(ionqMultiProbabilities, answer, 'IonQ multi-circuit probabilities');
    return job.child_job_ids.map((child) => {
      const p = byChild[child];
      if (!p) throw new LabError('INTERNAL', `IonQ's results of job ${job.id} lack circuit ${child}`);
      return p;
    });
  }

  /** GET /jobs/estimate: IonQ's own price of a job (USD), or undefined when it does not answer one. */
  async estimate(query: Record<string, string | number | boolean>): Promise<z.infer<typeof ionqEstimate> | undefined> {
    const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    try {
      return parseOrThrow(ionqEstimate, await this.request('GET', `/jobs/estimate?${q}`), 'IonQ estimate');
    } catch (e) {
      if (e instanceof AbortError || (e instanceof LabError && e.field === 'apiKey')) throw e;
      return undefined;
    }
  }

  /** GET /jobs/{id}/cost: the actual cost once charged (USD), else null. */
  async cost(id: string): Promise<number | null> {
    const c = parseOrThrow(ionqCost, await this.request('GET', `/jobs/${encodeURIComponent(id)}/cost`), 'IonQ job cost');
    return c.cost?.value ?? null;
  }

  async backends(): Promise<unknown> {
    return this.request('GET', '/backends', { anonymous: true });
  }

  async whoami(): Promise<unknown> {
    return this.request('GET', '/whoami');
  }

  /** One API call with its time-out and retries; the parsed JSON answer, or a LabError that says what to do. */
  async request(method: string, path: string, opts: { body?: unknown; recover?: () => Promise<unknown>; anonymous?: boolean } = {}): Promise<unknown> {
    if (!opts.anonymous && !this.o.apiKey) throw new InvalidInputError(NO_KEY_MESSAGE, { field: 'apiKey' });
    let failure: Failure | undefined;
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      throwIfAborted(this.o.signal);
      if (attempt > 0) {
        const backoff = Math.min(this.o.backoffCapMs, this.o.backoffMs * 2 ** (attempt - 1));
        await this.pause(failure?.kind === 'status' && failure.retryAfterMs !== undefined ? Math.min(this.o.backoffCapMs, failure.retryAfterMs) : backoff);
        // A POST whose answer was lost may have created its job: look before sending it again.
        if (opts.recover && method === 'POST' && failure && ambiguous(failure)) {
          const found = await opts.recover();
          if (found !== undefined) return found;
        }
      }
      const outcome = await this.once(method, path, opts);
      if (outcome.ok) return outcome.value;
      failure = outcome.failure;
      if (failure.kind === 'status' && !RETRIABLE.has(failure.status)) throw this.refusal(method, path, failure.status, failure.body);
    }
    throw new LabError(
      'UNAVAILABLE',
      `IonQ did not answer ${method} ${path} at ${this.url} after ${this.o.retries + 1} attempts (${describe(failure!)}). Check the network and status.ionq.co, then try again (a run resumes where it stopped).`,
      {
        details: { url: this.url, attempts: this.o.retries + 1 },
      },
    );
  }

  private async once(
    method: string,
    path: string,
    opts: { body?: unknown; anonymous?: boolean },
  ): Promise<{ ok: true; value: unknown } | { ok: false; failure: Failure }> {
    const ctl = new AbortController();
    const timer = new AbortController();
    const outer = this.o.signal;
    const onAbort = () => ctl.abort();
    outer?.addEventListener('abort', onAbort);
    let timedOut = false;
    void this.o.sleep(this.o.timeoutMs, timer.signal).then(
      () => {
        timedOut = true;
        ctl.abort();
      },
      () => undefined,
    );
    try {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (this.o.apiKey && !opts.anonymous) headers.Authorization = `apiKey ${this.o.apiKey}`;
      const res = await this.o.transport(this.url + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: ctl.signal,
      });
      const text = await res.text();
      let value: unknown = undefined;
      try {
        value = text ? JSON.parse(text) : undefined;
      } catch {
        value = { message: text.slice(0, 200) };
      }
      if (res.status >= 200 && res.status < 300) return { ok: true, value };
      const retryAfter = Number(res.headers.get('retry-after'));
      return {
        ok: false,
        failure: {
          kind: 'status',
          status: res.status,
          body: value,
          retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
        },
      };
    } catch (e) {
      if (outer?.aborted) throw new AbortError();
      if (timedOut) return { ok: false, failure: { kind: 'timeout' } };
      return { ok: false, failure: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
    } finally {
      timer.abort();
      outer?.removeEventListener('abort', onAbort);
    }
  }

  private refusal(method: string, path: string, status: number, body: unknown): LabError {
    const said = errorMessage(body) ?? 'no detail given';
    if (status === 401 || status === 403) {
      return new InvalidInputError(
        `IonQ refused the API key (${status}: ${said}). Check QNNLAB_IONQ_API_KEY (or the key saved in Settings) against cloud.ionq.com, then try again.`,
        { field: 'apiKey', details: { status } },
      );
    }
    if (status === 404) return new LabError('NOT_FOUND', `IonQ has no ${path.split('?')[0]} (${said}).`, { details: { status } });
    if (status >= 400 && status < 500)
      return new InvalidInputError(`IonQ refused ${method} ${path.split('?')[0]} (${status}): ${said}`, { details: { status } });
    return new LabError('UNAVAILABLE', `IonQ failed ${method} ${path.split('?')[0]} (${status}: ${said}). Try again later (a run resumes where it stopped).`, {
      details: { status },
    });
  }

  private pause(ms: number): Promise<void> {
    const signal = this.o.signal ?? new AbortController().signal;
    return this.o.sleep(ms, signal);
  }
}

function ambiguous(f: Failure): boolean {
  return f.kind !== 'status' || AMBIGUOUS.has(f.status);
}

function describe(f: Failure): string {
  if (f.kind === 'timeout') return 'the last one timed out';
  if (f.kind === 'network') return `the last one failed: ${f.message}`;
  return `the last answer was ${f.status}`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
