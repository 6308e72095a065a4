// provider.* channels: the cloud provider's status and check for the Settings page, and the desktop app's saved key.
// The key never comes back: only whether one is set and where from.
import { LabError } from '../../../core/errors.ts';
import type { Handlers } from '../../contract/channels.ts';
import { checkProvider, providerStatus } from '../provider/check.ts';
import { secretStore } from '../provider/credentials.ts';

type ProviderChannels = 'provider.status' | 'provider.check' | 'provider.saveKey' | 'provider.clearKey';

function desktopStore() {
  const store = secretStore();
  if (!store) {
    throw new LabError(
      'VALIDATION',
      'This host keeps no keys: set QNNLAB_IONQ_API_KEY in the environment of the process that serves QNN Lab (the web host or qnnlab), then start it again. The desktop app can save a key encrypted.',
      { field: 'apiKey' },
    );
  }
  return store;
}

export function providerHandlers() {
  return {
    'provider.status': () => providerStatus(),
    'provider.check': async () => {
      const { backendsAnswered: _b, ...report } = await checkProvider();
      return report;
    },
    'provider.saveKey': ({ apiKey }) => {
      desktopStore().set(apiKey);
      return providerStatus();
    },
    'provider.clearKey': () => {
      desktopStore().clear();
      return providerStatus();
    },
  } satisfies Pick<Handlers, ProviderChannels>;
}
