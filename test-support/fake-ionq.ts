// A local fake of IonQ's cloud API v0.4 for tests (node:http on an ephemeral port), written from IonQ's documentation
// and qiskit-ionq's client rather than from QNN Lab's client: `Authorization: apiKey KEY` (401 otherwise); POST /jobs
// validates the body as the service does (type, backend, shots, noise model, debiasing from 500 shots, native gates
// per machine family: MS on Aria, ZZ on Forte; phases and angles in turns; qubit counts); a job's status runs
// submitted -> ready -> started -> completed on the fake's clock; results are computed by simulating the submitted
// native circuit exactly (core/hardware's simulateNative), with shots sampled from a seed for noisy models and QPUs;
// multi-circuit jobs have child jobs; GET /jobs lists (newest first, with a cursor), PUT .../status/cancel cancels,
// GET /jobs/estimate and GET /jobs/{id}/cost price, GET /backends and /whoami answer. Failures are injected per rule
// (a status such as 429 or 502, a delay, once or N times, before or after the request has taken effect) or per job
// (the next job fails with {code, error}). Every request is logged, so a test can prove no job was submitted twice.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { simulateNative, type NativeGate } from '../core/hardware/compile.ts';
import { createRng, multinomial } from '../core/random.ts';

export const FAKE_IONQ_KEY = 'fake-ionq-test-key';

const BACKENDS: Record<string, { qubits: number; twoQubit: 'ms' | 'zz' | 'any' }> = {
  simulator: { qubits: 29, twoQubit: 'any' },
  'qpu.aria-1': { qubits: 25, twoQubit: 'ms' },
  'qpu.forte-1': { qubits: 36, twoQubit: 'zz' },
  'qpu.forte-enterprise-1': { qubits: 36, twoQubit: 'zz' },
};
const NOISE: Record<string, { qubits: number; twoQubit: 'ms' | 'zz' | 'any'; depolarising: number }> = {
  ideal: { qubits: 29, twoQubit: 'any', depolarising: 0 },
  'aria-1': { qubits: 25, twoQubit: 'ms', depolarising: 0.02 },
  'forte-1': { qubits: 36, twoQubit: 'zz', depolarising: 0.01 },
  'forte-enterprise-1': { qubits: 36, twoQubit: 'zz', depolarising: 0.01 },
};
/** The fake's QPU noise: a depolarising mix towards the uniform distribution, per machine. */
const QPU_DEPOLARISING: Record<string, number> = { 'qpu.aria-1': 0.02, 'qpu.forte-1': 0.01, 'qpu.forte-enterprise-1': 0.01 };
/** The fake simulates exactly up to this register (2^n amplitudes). */
const FAKE_MAX_SIMULATED = 16;
/** Azure's published Aria prices (METHOD.md section 7): per gate-shot and a minimum per circuit. */
const PRICE = { oneQubit: 0.00022, twoQubit: 0.00098, minimumPerCircuit: 1 };

export type FakeJobStatus = 'submitted' | 'ready' | 'started' | 'completed' | 'failed' | 'canceled';

export interface FakeJob {
  id: string;
  name: string;
  body: any;
  createdMs: number;
  children: string[];
  /** Set when the job was cancelled or is made to fail. */
  final?: { status: 'failed' | 'canceled'; failure?: { code: string; error: string }; atMs: number };
  results?: Record<string, number>[];
}

export interface FakeRule {
  method?: string;
  /** Path below the base (e.g. '/jobs'), exact or a pattern. */
  path?: string | RegExp;
  /** Answer with this status instead (e.g. 429, 502, 503). */
  status?: number;
  /** Wait this long before answering (a slow service; the client's time-out). */
  delayMs?: number;
  /** How many matching requests this rule takes (default 1). */
  times?: number;
  /** Handle the request first, then answer `status` (a response lost after the job was created). */
  afterEffect?: boolean;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  method: string;
  path: string;
  status: number;
  /** The parsed JSON body of a POST. */
  body?: any;
  authorised: boolean;
}

export interface FakeIonqOptions {
  apiKey?: string;
  /** The fake's clock (ms); default Date.now. Status moves on with it: tests drive it by hand. */
  now?: () => number;
  /** Time in `submitted`, in `ready` (the queue) and `started` (running), ms. */
  validateMs?: number;
  queueMs?: number;
  runMs?: number;
  port?: number;
}

export interface FakeIonq {
  /** The base address, with the API version: http://127.0.0.1:PORT/v0.4 */
  readonly url: string;
  readonly log: FakeRequest[];
  readonly jobs: Map<string, FakeJob>;
  /** Adds a failure rule (first match wins, consumed in order). */
  inject(rule: FakeRule): void;
  /** The next created job(s) fail once they would run, with IonQ's failure {code, error}. */
  failNextJob(failure: { code: string; error: string }): void;
  /** The names of every job created, in order (a repeated name: a job submitted twice). */
  submittedNames(): string[];
  close(): Promise<void>;
}

/** The IonQ connection the environment gives (QNNLAB_IONQ_URL, QNNLAB_IONQ_API_KEY), as it was: put back after a test changed it. */
export function ionqEnvironment(): { restore(): void } {
  const saved = { QNNLAB_IONQ_URL: process.env.QNNLAB_IONQ_URL, QNNLAB_IONQ_API_KEY: process.env.QNNLAB_IONQ_API_KEY };
  return {
    restore() {
      for (const [name, v] of Object.entries(saved))
        if (v === undefined) delete process.env[name];
        else process.env[name] = v;
    },
  };
}

export async function startFakeIonq(options: FakeIonqOptions = {}): Promise<FakeIonq> {
  const apiKey = options.apiKey ?? FAKE_IONQ_KEY;
  const now = options.now ?? Date.now;
  const timing = { validate: options.validateMs ?? 0, queue: options.queueMs ?? 0, run: options.runMs ?? 0 };
  const log: FakeRequest[] = [];
  const jobs = new Map<string, FakeJob>();
  const order: string[] = [];
  const rules: (FakeRule & { left: number })[] = [];
  const failures: { code: string; error: string }[] = [];
  let counter = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e) => send(res, 500, { statusCode: 500, error: 'Internal Server Error', message: String(e) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    if (!url.pathname.startsWith('/v0.4/')) return respond(404, { statusCode: 404, error: 'Not Found', message: `no route ${url.pathname}` });
    const path = url.pathname.slice('/v0.4'.length);
    const authorised = req.headers.authorization === `apiKey ${apiKey}`;
    let body: any;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return respond(400, { statusCode: 400, error: 'Bad Request', message: 'body is not JSON' });
      }
    }
    const entry: FakeRequest = { method, path, status: 0, body, authorised };
    log.push(entry);
    const rule = takeRule(method, path);
    if (rule?.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
    if (rule?.status && !rule.afterEffect)
      return respond(rule.status, { statusCode: rule.status, error: 'Injected', message: `injected ${rule.status}` }, rule.headers);
    if (path !== '/backends' && !authorised) return respond(401, { statusCode: 401, error: 'Unauthorized', message: 'Invalid key provided' });
    const [status, answer] = route(method, path, url.searchParams, body);
    if (rule?.status) return respond(rule.status, { statusCode: rule.status, error: 'Injected', message: `injected ${rule.status}` }, rule.headers);
    return respond(status, answer);

    function respond(status: number, payload: unknown, headers?: Record<string, string>): void {
      entry.status = status;
      send(res, status, payload, headers);
    }
  }

  function takeRule(method: string, path: string) {
    const k = rules.findIndex((r) => (!r.method || r.method === method) && (!r.path || (typeof r.path === 'string' ? r.path === path : r.path.test(path))));
    if (k < 0) return undefined;
    const rule = rules[k];
    if (--rule.left <= 0) rules.splice(k, 1);
    return rule;
  }

  function route(method: string, path: string, query: URLSearchParams, body: any): [number, unknown] {
    if (method === 'GET' && path === '/whoami') return [200, { key_id: 'fake-key', project: 'fake-project' }];
    if (method === 'GET' && path === '/backends') {
      return [
        200,
        Object.entries(BACKENDS).map(([backend, b]) => ({
          backend,
          status: 'available',
          qubits: b.qubits,
          noise_models: backend === 'simulator' ? Object.keys(NOISE) : undefined,
        })),
      ];
    }
    if (method === 'POST' && path === '/jobs') return createJob(body);
    if (method === 'GET' && path === '/jobs') return listJobs(query);
    if (method === 'GET' && path === '/jobs/estimate') return estimate(query);
    const m = /^\/jobs\/([^/]+)(\/.*)?$/.exec(path);
    if (m) {
      const job = jobs.get(m[1]);
      if (!job) return [404, { statusCode: 404, error: 'Not Found', message: `job ${m[1]} not found` }];
      const rest = m[2] ?? '';
      if (method === 'GET' && rest === '') return [200, jobView(job)];
      if (method === 'PUT' && rest === '/status/cancel') {
        if (!terminal(statusOf(job))) job.final = { status: 'canceled', atMs: now() };
        return [200, { id: job.id, status: statusOf(job) }];
      }
      if (method === 'GET' && rest === '/cost') {
        const c = costOf(job.body);
        return [200, { dry_run: false, estimated_cost: { value: c, unit: 'usd' }, cost: statusOf(job) === 'completed' ? { value: c, unit: 'usd' } : null }];
      }
      if (method === 'GET' && rest.startsWith('/results/probabilities')) {
        if (statusOf(job) !== 'completed')
          return [400, { statusCode: 400, error: 'Bad Request', message: `job ${job.id} has no results: it is ${statusOf(job)}` }];
        const results = resultsOf(job, query.get('aggregation'));
        if (job.children.length === 0) return [200, results[0]];
        return [200, Object.fromEntries(job.children.map((id, k) => [id, results[k]]))];
      }
    }
    return [404, { statusCode: 404, error: 'Not Found', message: `no route ${method} ${path}` }];
  }

  function bad(message: string): [number, unknown] {
    return [400, { statusCode: 400, error: 'Bad Request', message }];
  }

  function createJob(body: any): [number, unknown] {
    if (!body || typeof body !== 'object') return bad('a job needs a JSON body');
    if (body.type !== 'ionq.circuit.v1' && body.type !== 'ionq.multi-circuit.v1') return bad(`unknown job type ${String(body.type)}`);
    const backend = BACKENDS[body.backend];
    if (!backend) return bad(`unknown backend ${String(body.backend)}`);
    if (!Number.isInteger(body.shots) || body.shots < 1 || body.shots > 100_000)
      return bad(`shots must be an integer from 1 to 100000; got ${String(body.shots)}`);
    let limit = backend.qubits;
    let twoQubit = backend.twoQubit;
    if (body.noise !== undefined) {
      if (body.backend !== 'simulator') return bad('noise applies only to the simulator');
      const model = NOISE[body.noise?.model];
      if (!model) return bad(`unknown noise model ${String(body.noise?.model)}`);
      limit = model.qubits;
      twoQubit = model.twoQubit;
    }
    const debias = body.settings?.error_mitigation?.debiasing;
    if (debias === true && body.shots < 500) return bad('debiasing requires at least 500 shots');
    const input = body.input;
    if (!input || input.gateset !== 'native') return bad('the fake accepts only gateset "native"');
    if (!Number.isInteger(input.qubits) || input.qubits < 1) return bad('input.qubits must be a positive integer');
    if (input.qubits > limit) return bad(`too many qubits: ${input.qubits} > ${limit} on ${body.backend}${body.noise ? ` (${body.noise.model})` : ''}`);
    const circuits: NativeGate[][] = body.type === 'ionq.circuit.v1' ? [input.circuit] : (input.circuits ?? []).map((c: any) => c?.circuit);
    if (circuits.length === 0) return bad('no circuits');
    for (const circuit of circuits) {
      const problem = checkGates(circuit, input.qubits, twoQubit);
      if (problem) return bad(problem);
    }
    const id = uuid(++counter);
    const children = body.type === 'ionq.multi-circuit.v1' ? circuits.map((_, k) => uuid(counter, k + 1)) : [];
    const job: FakeJob = { id, name: String(body.name ?? ''), body, createdMs: now(), children };
    const failure = failures.shift();
    if (failure) job.final = { status: 'failed', failure, atMs: job.createdMs + timing.validate + timing.queue };
    jobs.set(id, job);
    order.unshift(id);
    return [200, { id, status: 'submitted' }];
  }

  function statusOf(job: FakeJob): FakeJobStatus {
    const t = now();
    if (job.final && t >= job.final.atMs) return job.final.status;
    const age = t - job.createdMs;
    if (age < timing.validate) return 'submitted';
    if (age < timing.validate + timing.queue) return 'ready';
    if (age < timing.validate + timing.queue + timing.run) return 'started';
    return 'completed';
  }

  function jobView(job: FakeJob) {
    const status = statusOf(job);
    const view: Record<string, unknown> = {
      id: job.id,
      type: job.body.type,
      name: job.name,
      status,
      backend: job.body.backend,
      shots: job.body.shots,
      noise: job.body.noise ?? null,
      metadata: job.body.metadata ?? null,
      settings: job.body.settings ?? {},
      stats: { qubits: job.body.input.qubits, circuits: Math.max(1, job.children.length) },
      submitted_at: new Date(job.createdMs).toISOString(),
    };
    if (job.children.length) view.child_job_ids = job.children;
    if (status === 'failed') view.failure = job.final!.failure;
    if (status === 'completed') view.results = { probabilities: { url: `/v0.4/jobs/${job.id}/results/probabilities` } };
    return view;
  }

  function listJobs(query: URLSearchParams): [number, unknown] {
    const limit = Math.min(Number(query.get('limit') ?? 25) || 25, 100);
    const start = query.get('next') ? order.indexOf(query.get('next')!) : 0;
    const page = order.slice(Math.max(0, start), Math.max(0, start) + limit);
    const next = order[Math.max(0, start) + limit];
    return [200, { jobs: page.map((id) => ({ id, name: jobs.get(id)!.name, status: statusOf(jobs.get(id)!) })), next: next ?? null }];
  }

  function estimate(query: URLSearchParams): [number, unknown] {
    const backend = query.get('backend') ?? '';
    if (!BACKENDS[backend]) return bad(`unknown backend ${backend}`);
    const shots = Number(query.get('shots'));
    const g1 = Number(query.get('1q_gates'));
    const g2 = Number(query.get('2q_gates'));
    if (![shots, g1, g2].every((v) => Number.isInteger(v) && v >= 0)) return bad('shots, 1q_gates and 2q_gates must be non-negative integers');
    const cost = backend === 'simulator' ? 0 : Math.max(PRICE.minimumPerCircuit, shots * (g1 * PRICE.oneQubit + g2 * PRICE.twoQubit));
    return [
      200,
      {
        estimated_cost: cost,
        cost_unit: 'usd',
        estimated_execution_time: shots * 0.01,
        current_predicted_queue_time: 60,
        input_values: Object.fromEntries(query),
      },
    ];
  }

  function costOf(body: any): number {
    if (body.backend === 'simulator') return 0;
    const circuits: NativeGate[][] = body.type === 'ionq.circuit.v1' ? [body.input.circuit] : body.input.circuits.map((c: any) => c.circuit);
    let total = 0;
    for (const c of circuits) {
      const two = c.filter((g) => g.gate === 'ms' || g.gate === 'zz').length;
      total += Math.max(PRICE.minimumPerCircuit, body.shots * ((c.length - two) * PRICE.oneQubit + two * PRICE.twoQubit));
    }
    return total;
  }

  /** Each circuit's distribution: exact for the ideal simulator, else `shots` seeded samples of a depolarised one. */
  function resultsOf(job: FakeJob, aggregation: string | null): Record<string, number>[] {
    job.results ??= circuitsOf(job.body).map((circuit, k) => distribution(job, circuit, k));
    if (aggregation !== 'voting' || job.body.settings?.error_mitigation?.debiasing !== true) return job.results;
    // Voting (sharpening): the fake's stand-in squares and renormalises the distribution.
    return job.results.map((d) => {
      const sq = Object.entries(d).map(([k, p]) => [k, p * p] as const);
      const z = sq.reduce((s, [, v]) => s + v, 0);
      return Object.fromEntries(sq.map(([k, v]) => [k, v / z]));
    });
  }

  function distribution(job: FakeJob, circuit: NativeGate[], index: number): Record<string, number> {
    const n: number = job.body.input.qubits;
    if (n > FAKE_MAX_SIMULATED) throw new Error(`the fake simulates at most ${FAKE_MAX_SIMULATED} qubits`);
    const { re, im } = simulateNative(n, circuit);
    const p = Array.from(re, (r, x) => r * r + im[x] * im[x]);
    const noise = job.body.backend === 'simulator' ? NOISE[job.body.noise?.model ?? 'ideal'].depolarising : QPU_DEPOLARISING[job.body.backend];
    const ideal = job.body.backend === 'simulator' && (job.body.noise?.model ?? 'ideal') === 'ideal';
    if (ideal) return Object.fromEntries(p.flatMap((v, x) => (v > 1e-12 ? [[String(x), v]] : [])));
    const mixed = p.map((v) => (1 - noise) * v + noise / p.length);
    // Seeded by the simulator's noise seed, else by the job's content: the same job gives the same shots.
    const seed = job.body.noise?.seed ?? contentSeed(job.body);
    const counts = multinomial(createRng((seed + index * 7919) >>> 0), job.body.shots, mixed);
    const out: Record<string, number> = {};
    counts.forEach((c, x) => {
      if (c > 0) out[String(x)] = c / job.body.shots;
    });
    return out;
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v0.4`,
    log,
    jobs,
    inject: (rule) => void rules.push({ ...rule, left: rule.times ?? 1 }),
    failNextJob: (failure) => void failures.push(failure),
    submittedNames: () => [...order].reverse().map((id) => jobs.get(id)!.name),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function checkGates(circuit: unknown, qubits: number, twoQubit: 'ms' | 'zz' | 'any'): string | undefined {
  if (!Array.isArray(circuit)) return 'a circuit must be an array of gates';
  const qubit = (q: unknown) => Number.isInteger(q) && (q as number) >= 0 && (q as number) < qubits;
  const turns = (v: unknown) => typeof v === 'number' && v >= 0 && v < 1;
  for (const [k, g] of circuit.entries()) {
    const where = `gate ${k} (${String(g?.gate)})`;
    if (g?.gate === 'gpi' || g?.gate === 'gpi2') {
      if (!qubit(g.target)) return `${where}: target must be a qubit from 0 to ${qubits - 1}`;
      if (!turns(g.phase)) return `${where}: phase must be in turns, in [0, 1); got ${String(g.phase)}`;
    } else if (g?.gate === 'ms' || g?.gate === 'zz') {
      if (twoQubit !== 'any' && g.gate !== twoQubit) return `${where}: this backend's two-qubit gate is ${twoQubit}`;
      if (!Array.isArray(g.targets) || g.targets.length !== 2 || !g.targets.every(qubit) || g.targets[0] === g.targets[1]) {
        return `${where}: targets must be two different qubits from 0 to ${qubits - 1}`;
      }
      if (g.gate === 'ms' && (!Array.isArray(g.phases) || g.phases.length !== 2 || !g.phases.every(turns)))
        return `${where}: phases must be two turns in [0, 1)`;
      const angle = g.angle ?? 0.25;
      const ok = g.gate === 'ms' ? angle >= 0 && angle <= 0.25 : angle >= -0.25 && angle <= 0.25;
      if (typeof angle !== 'number' || !ok)
        return `${where}: angle must be in turns, ${g.gate === 'ms' ? '[0, 0.25]' : '[-0.25, 0.25]'}; got ${String(g.angle)}`;
    } else return `${where}: unknown native gate`;
  }
  return undefined;
}

function circuitsOf(body: any): NativeGate[][] {
  return body.type === 'ionq.circuit.v1' ? [body.input.circuit] : body.input.circuits.map((c: any) => c.circuit);
}

function terminal(s: FakeJobStatus): boolean {
  return s === 'completed' || s === 'failed' || s === 'canceled';
}

/** A seed from what the job computes (not its name or metadata). */
function contentSeed(body: any): number {
  const content = JSON.stringify([body.backend, body.shots, body.settings ?? null, body.input]);
  return createHash('sha256').update(content).digest().readUInt32LE(0);
}

/** A job's id (child 0) or its k-th child's. */
function uuid(n: number, child = 0): string {
  return `00000000-0000-4000-${(0x8000 + child).toString(16)}-${n.toString(16).padStart(12, '0')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}
