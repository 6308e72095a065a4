// devices.* channels: thin calls into DeviceProfileService, plus a 'devices.changed' event after each change.
import type { Handlers } from '../../contract/channels.ts';
import type { EventBus } from '../events.ts';
import type { DeviceProfileService } from '../services/devices.ts';

type DeviceChannels = 'devices.list' | 'devices.get' | 'devices.save' | 'devices.delete';

export function deviceHandlers(service: DeviceProfileService, events?: Pick<EventBus, 'emit'>) {
  return {
    'devices.list': () => service.list(),
    'devices.get': ({ id }) => service.get(id),
    'devices.save': (request) => {
      const saved = service.save(request);
      events?.emit('devices.changed', { reason: 'save', id: saved.id });
      return saved;
    },
    'devices.delete': ({ id }) => {
      const deleted = service.delete(id);
      events?.emit('devices.changed', { reason: 'delete', id });
      return deleted;
    },
  } satisfies Pick<Handlers, DeviceChannels>;
}
