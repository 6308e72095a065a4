// App-wide state: host information and the transport in use.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AppInfo } from '../../../electron/contract/channels.ts';
import type { ApiError } from '../../../electron/contract/errors.ts';
import { transportKind, useApi } from '../api/client.ts';

export const useAppStore = defineStore('app', () => {
  const info = shallowRef<AppInfo | null>(null);
  const error = shallowRef<ApiError | null>(null);
  const loading = ref(false);
  const transport = ref(transportKind());

  async function load(): Promise<void> {
    loading.value = true;
    const result = await useApi()['app.info']({});
    loading.value = false;
    if (result.ok) {
      info.value = result.value;
      error.value = null;
    } else {
      error.value = result.error;
    }
  }

  return { info, error, loading, transport, load };
});
