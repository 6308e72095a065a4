// hardware.* channels: the cost and time of a planned layer-wise training on a backend. Device profiles resolve as
// everywhere else: a user copy shadows the built-in of the same id. Core's InvalidInputError becomes VALIDATION.
import { estimateTraining } from '../../../core/hardware/estimate.ts';
import { BUILTIN_DEVICE_PROFILES, type DeviceProfile } from '../../../core/hardware/device-profile.ts';
import type { Handlers } from '../../contract/channels.ts';
import type { HardwareEstimate } from '../../contract/hardware.ts';
import type { DeviceProfileService } from '../services/devices.ts';

type HardwareChannels = 'hardware.estimate';

/** Built-ins in their bundled order, each replaced by its user copy, then the other user copies. */
export function effectiveProfiles(devices: DeviceProfileService, backend?: string): DeviceProfile[] {
  const copies = new Map(devices.userProfiles(backend).map((p) => [p.id, p]));
  const out: DeviceProfile[] = [];
  for (const b of BUILTIN_DEVICE_PROFILES) {
    out.push(copies.get(b.id) ?? b);
    copies.delete(b.id);
  }
  return [...out, ...copies.values()];
}

export function hardwareHandlers(devices: DeviceProfileService) {
  return {
    'hardware.estimate': (request): HardwareEstimate => {
      const { budgetUSD, ...plan } = request;
      const estimate = estimateTraining(plan, effectiveProfiles(devices, plan.backend));
      return {
        ...estimate,
        qubits: plan.qubits,
        budgetUSD: budgetUSD ?? null,
        withinBudget: budgetUSD === undefined ? null : estimate.costUSD <= budgetUSD,
      };
    },
  } satisfies Pick<Handlers, HardwareChannels>;
}
