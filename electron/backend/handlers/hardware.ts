// hardware.* channels: the cost and time of a planned layer-wise training on a backend. The backend name resolves
// through the one resolver (resolveBackend over the database's device catalog: a user copy shadows the built-in).
import { estimateTraining } from '../../../core/hardware/estimate.ts';
import { resolveBackend } from '../../../core/hardware/registry.ts';
import type { Handlers } from '../../contract/channels.ts';
import type { HardwareEstimate } from '../../contract/hardware.ts';
import type { DeviceProfileService } from '../services/devices.ts';

type HardwareChannels = 'hardware.estimate';

export function hardwareHandlers(devices: DeviceProfileService) {
  return {
    'hardware.estimate': (request): HardwareEstimate => {
      const { budgetUSD, ...plan } = request;
      const estimate = estimateTraining({ ...plan, backend: resolveBackend(plan.backend, devices.catalog()) });
      return {
        ...estimate,
        qubits: plan.qubits,
        budgetUSD: budgetUSD ?? null,
        withinBudget: budgetUSD === undefined ? null : estimate.costUSD <= budgetUSD,
      };
    },
  } satisfies Pick<Handlers, HardwareChannels>;
}
