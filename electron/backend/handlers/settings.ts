// settings.* channels: the lab's settings (contract/settings.ts). A default backend must name a backend this database
// knows (a simulator, a built-in profile or a user copy).
import { resolveBackend } from '../../../core/hardware/registry.ts';
import type { Handlers } from '../../contract/channels.ts';
import { renameField } from '../../workers/kinds/fields.ts';
import type { Database } from '../db/database.ts';
import type { DeviceProfileService } from '../services/devices.ts';
import { readLabSettings, updateLabSettings } from '../services/settings.ts';

type SettingsChannels = 'settings.get' | 'settings.update';

export function settingsHandlers(db: Database, devices: DeviceProfileService) {
  return {
    'settings.get': () => readLabSettings(db),
    'settings.update': (patch) => {
      if (typeof patch.defaultBackend === 'string') {
        try {
          resolveBackend(patch.defaultBackend, devices.catalog());
        } catch (e) {
          throw renameField(e, () => 'defaultBackend');
        }
      }
      return updateLabSettings(db, patch);
    },
  } satisfies Pick<Handlers, SettingsChannels>;
}
