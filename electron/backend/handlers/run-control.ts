// runs.start, runs.cancel, runs.resume and runs.kinds: thin calls into the host's run engine. A host without an
// engine (a CLI command that runs nothing) refuses them.
import { z } from 'zod';
import { LabError } from '../../../core/errors.ts';
import type { Handlers } from '../../contract/channels.ts';
import type { RunKindInfo } from '../../contract/run-control.ts';
import { runKinds } from '../../workers/kinds/index.ts';
import type { RunEngine } from '../runs/engine.ts';
import type { RunService } from '../services/runs.ts';

type RunControlChannels = 'runs.start' | 'runs.check' | 'runs.cancel' | 'runs.resume' | 'runs.kinds';

/** Each kind's config schema as JSON Schema; refinements JSON Schema cannot say are left out (the host checks them). */
export function describeRunKinds(): RunKindInfo[] {
  return runKinds().map((k) => ({
    kind: k.kind,
    description: k.description,
    resumable: k.resumable,
    configSchema: z.toJSONSchema(k.config, { unrepresentable: 'any', io: 'input' }),
  }));
}

export function runControlHandlers(engine: RunEngine | null, runs: RunService) {
  const required = () => {
    if (!engine) throw new LabError('CONFLICT', 'This QNN Lab process runs no runs: start them from the app, the web host or `qnnlab run start`.');
    return engine;
  };
  return {
    'runs.start': async (request) => runs.detail((await required().submit(request)).id),
    'runs.check': (request) => required().check(request),
    'runs.cancel': async ({ id }) => runs.detail((await required().cancel(id)).id),
    'runs.resume': async ({ id }) => runs.detail((await required().resume(id)).id),
    'runs.kinds': () => describeRunKinds(),
  } satisfies Pick<Handlers, RunControlChannels>;
}
