// qnn-mice on IonQ's cloud (ionq:*) in the imputation kinds (experiment, apply-imputer), in the shape of a training's:
// on the host, before the run is queued, the cloud backend its methods name is found, the key required and the
// connection and spend limit (the Settings budget per run) put in the input, never stored with the run; in the worker,
// the imputers' env gets the connection and the run's job journal (intent before each POST, reattach on resume).
import { InvalidInputError } from '../../../core/errors.ts';
import type { IonqConnection } from '../../../core/hardware/providers/ionq/backend.ts';
import { IONQ_DEFAULT_URL, isIonqName } from '../../../core/hardware/providers/ionq/backends.ts';
import { NO_KEY_MESSAGE } from '../../../core/hardware/providers/ionq/client.ts';
import type { BackendTarget } from '../../../core/hardware/registry.ts';
import type { ImputerEnv } from '../../../core/impute/registry.ts';
import type { QnnMiceEnv } from '../../../core/impute/imputers/qnn-mice.ts';
import { cloudNote, runJournal } from './train.ts';
import type { RunContext, RunHost } from './types.ts';

/** What a run whose imputers submit cloud jobs carries to its worker. */
export interface ImputerCloud {
  /** The cloud backend (a QPU needs the user's confirmation of its charges before the run is queued). */
  backend: BackendTarget;
  connection: IonqConnection;
  /** The Settings budget per run: the run stops before the job that would pass it. */
  spendLimitUSD?: number;
}

/**
 * The cloud backend among resolved imputer options (qnn-mice's `backend`), with the host's connection, or null when
 * no method submits cloud jobs. Refused without a key (field apiKey), as a training is.
 */
export function imputerCloud(
  options: readonly Record<string, unknown>[],
  host: Pick<RunHost, 'backend' | 'providerConnection' | 'labBudgetUSD'>,
): ImputerCloud | null {
  const targets = options.flatMap((o) => (typeof o.backend === 'string' && isIonqName(o.backend) ? [host.backend(o.backend)] : []));
  // A QPU among them is the one whose charges the user confirms.
  const backend = targets.find((t) => t.profile) ?? targets[0];
  if (!backend?.provider) return null;
  const connection = host.providerConnection?.() ?? { url: IONQ_DEFAULT_URL, apiKey: null };
  if (!connection.apiKey) throw new InvalidInputError(NO_KEY_MESSAGE, { field: 'apiKey' });
  return { backend, connection, spendLimitUSD: host.labBudgetUSD?.() };
}

/** The env with the connection only (no ledger): options checked on the host (creating a backend submits nothing), `qnnlab impute`. */
export function connectedEnv(env: ImputerEnv, cloud: ImputerCloud | null): ImputerEnv {
  return cloud ? ({ ...env, provider: { connection: cloud.connection } } satisfies QnnMiceEnv) : env;
}

/** The worker's env: the connection and the run's job journal, each job's ledger step given by `step` (e.g. the seed's index). */
export function cloudEnv(env: ImputerEnv, cloud: ImputerCloud | null | undefined, ctx: RunContext, step: () => number): ImputerEnv {
  if (!cloud) return env;
  ctx.log('info', `qnn-mice on ${cloud.backend.name}: ${cloudNote(cloud.backend)}`);
  return { ...env, provider: { connection: cloud.connection, journal: runJournal(ctx, cloud.spendLimitUSD, step) } } satisfies QnnMiceEnv;
}
