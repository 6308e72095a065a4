// IonQ's cloud from the command line: the flags a cloud backend takes (noise model, debiasing, aggregation, --yes for
// charged QPU jobs) shared by simulate, train and run start train; `qnnlab provider check` (is a key set, does the API
// answer and accept it, which backends and noise models there are) and `qnnlab provider jobs` (the job ledger).
import { IONQ_AGGREGATIONS, IONQ_BACKEND_NAMES, IONQ_NOISE_MODELS, type IonqAggregation } from '../../../core/hardware/providers/ionq/backends.ts';
import type { IonqRuntime } from '../../../core/hardware/providers/ionq/backend.ts';
import type { BackendTarget } from '../../../core/hardware/registry.ts';
import { ionqConnection } from '../../backend/provider/credentials.ts';
import { checkProvider } from '../../backend/provider/check.ts';
import { ProviderJobLedger } from '../../backend/services/provider-jobs.ts';
import { openCliBackend } from '../backend-client.ts';
import { choiceFlag, numberFlag, printJson, stringFlag, UserError, type Command, type Flags, type FlagSpecs } from '../command.ts';
import { dbFlag, jsonFlag } from '../flags.ts';

/** The flags of a cloud backend (ionq:*). */
export const providerFlags = {
  'noise-model': { type: 'string', value: 'M', description: `ionq:simulator's noise model: ${IONQ_NOISE_MODELS.join(', ')} (default ideal)` },
  debiasing: { type: 'boolean', description: "IonQ's debiasing error mitigation (needs at least 500 shots per circuit)" },
  aggregation: {
    type: 'string',
    value: 'A',
    description: `with --debiasing: how its variants are aggregated, ${IONQ_AGGREGATIONS.join(' or ')} (default average)`,
  },
  yes: { type: 'boolean', description: 'confirm a job on an IonQ QPU, which is charged to your IonQ account' },
} as const satisfies FlagSpecs;

/** The cloud options of the flags (undefined where not given); refused on a backend that is not ionq:*. */
export function providerOptions(flags: Flags, backend: string | undefined): { noiseModel?: string; debiasing?: boolean; aggregation?: IonqAggregation } {
  const given = (['noise-model', 'debiasing', 'aggregation'] as const).find((f) => flags[f] !== undefined);
  if (given && !backend?.startsWith('ionq:')) {
    throw new UserError(`--${given} applies to IonQ's cloud backends (${IONQ_BACKEND_NAMES.join(', ')})`, { field: given });
  }
  const aggregation = flags.aggregation === undefined ? undefined : choiceFlag(flags, 'aggregation', IONQ_AGGREGATIONS);
  if (aggregation && flags.debiasing !== true) throw new UserError('--aggregation applies with --debiasing', { field: 'aggregation' });
  const out: { noiseModel?: string; debiasing?: boolean; aggregation?: IonqAggregation } = {};
  if (flags['noise-model'] !== undefined) out.noiseModel = stringFlag(flags, 'noise-model');
  if (flags.debiasing !== undefined) out.debiasing = flags.debiasing === true;
  if (aggregation) out.aggregation = aggregation;
  return out;
}

/** A job on a QPU is charged: the command needs --yes (the app asks in a dialog). */
export function confirmCharged(backend: string | undefined, flags: Flags): void {
  if (backend?.startsWith('ionq:qpu.') && flags.yes !== true) {
    throw new UserError(`${backend} runs on IonQ's quantum computer and is charged to your IonQ account: add --yes to confirm (or try ionq:simulator first)`, {
      field: 'yes',
    });
  }
}

/** The runtime of a resolved cloud backend for a command (the host's connection: the environment or the desktop store). */
export function cliProviderRuntime(target: BackendTarget, flags: Flags): IonqRuntime | undefined {
  if (!target.provider) return undefined;
  const { url, apiKey } = ionqConnection();
  return { connection: { url, apiKey }, ...providerOptions(flags, target.name) };
}

const checkCommand: Command = {
  path: ['provider', 'check'],
  summary: "Check IonQ's cloud: is a key set, does the API answer and accept it, which backends and noise models there are",
  usage: 'provider check [--timeout MS] [--json]',
  options: { ...jsonFlag, timeout: { type: 'string', value: 'MS', description: 'per request time-out (default 10000)' } },
  notes: [
    'The key comes from QNNLAB_IONQ_API_KEY (or the key saved in the desktop app); the address from QNNLAB_IONQ_URL (default IonQ v0.4).',
    'Exit 0 when the API answers and accepts the key, 2 when no key is set or it is refused, 1 when the API does not answer.',
  ],
  async run(flags, _p, io) {
    const { backendsAnswered, ...report } = await checkProvider({ timeoutMs: numberFlag(flags, 'timeout', { integer: true, min: 1 }), signal: io.signal });
    if (flags.json) printJson(io, { ...report, backendsAnswered });
    else {
      io.stdout.write(`IonQ API ${report.url}: ${report.api === 'ok' ? 'answers' : report.api}\n`);
      io.stdout.write(`key: ${report.keySet ? `set (${report.keySource}), ${report.key}` : 'not set: set QNNLAB_IONQ_API_KEY to a key from cloud.ionq.com'}\n`);
      io.stdout.write(`backends: ${report.backends.join(', ')}; ionq:simulator noise models: ${report.noiseModels.join(', ')}\n`);
    }
    return report.ok ? 0 : report.api !== 'ok' ? 1 : 2;
  },
};

const jobsCommand: Command = {
  path: ['provider', 'jobs'],
  summary: 'The ledger of cloud jobs: every job a run submitted, its status, provider id and cost',
  usage: 'provider jobs [--run ID] [--db PATH] [--json]',
  options: { run: { type: 'string', value: 'ID', description: "only this run's jobs" }, ...dbFlag, ...jsonFlag },
  run(flags, _p, io) {
    const runId = numberFlag(flags, 'run', { integer: true, min: 1 });
    const backend = openCliBackend(stringFlag(flags, 'db'));
    try {
      const ledger = new ProviderJobLedger(backend.runs.db);
      const jobs = ledger.list(runId);
      if (flags.json) return printJson(io, jobs);
      for (const j of jobs) {
        const cost = j.costUSD ?? j.costEstimateUSD;
        io.stdout.write(
          `${String(j.id).padStart(5)}  run ${j.runId ?? '-'}  step ${j.step ?? '-'}  ${j.backend}  ${j.circuits} circuits x ${j.shots} shots  ${j.status}  ${j.providerJobId ?? '(no id)'}  ${cost === null ? '' : `${cost.toFixed(2)} USD${j.costUSD === null ? ' (estimate)' : ''}`}\n`,
        );
      }
      if (jobs.length === 0) io.stdout.write(`no cloud jobs${runId ? ` for run ${runId}` : ''}\n`);
    } finally {
      backend.close();
    }
  },
};

export const providerCommands: Command[] = [checkCommand, jobsCommand];
