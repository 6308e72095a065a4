// App-wide state: host information, the transport in use, and whether the host can be reached. When the host goes
// away (the web host stopped), the app says so and keeps trying with a growing delay; when it answers again, the
// shell re-mounts the page, which loads its data afresh.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AppInfo } from '../../../electron/contract/channels.ts';
import type { ApiError } from '../../../electron/contract/errors.ts';
import { transportKind, useApi, useTransport } from '../api/client.ts';

/** The wait before the next attempt to reach a host that went away: 0.5 s, doubling, at most 5 s. */
export function retryDelay(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 5000);
}

export const useAppStore = defineStore('app', () => {
  const info = shallowRef<AppInfo | null>(null);
  const error = shallowRef<ApiError | null>(null);
  const loading = ref(false);
  const transport = ref(transportKind());
  /** True while the host gives no answer; the app keeps retrying. */
  const disconnected = ref(false);
  /** How often the host came back after an outage (the shell keys the page on it). */
  const reconnections = ref(0);

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

  let checking = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  /** Asks the host for its info. No answer: an outage, retried later. Any answer (a refusal too): the host is there. */
  async function check(): Promise<void> {
    if (checking) return;
    checking = true;
    clearTimeout(retry);
    await load();
    checking = false;
    if (useTransport().connection() === 'disconnected') {
      disconnected.value = true;
      retry = setTimeout(() => void check(), retryDelay(attempt++));
      return;
    }
    attempt = 0;
    if (disconnected.value) {
      disconnected.value = false;
      reconnections.value++;
    }
  }

  let watching = false;
  /** Watches the host: a dropped event stream or an unanswered call leads to a check (a single failed call is not yet an outage). */
  function watchHost(): void {
    if (watching) return;
    watching = true;
    useTransport().onConnection((state) => {
      if (state === 'disconnected' || disconnected.value) void check();
    });
  }

  return { info, error, loading, transport, disconnected, reconnections, load, watchHost, checkHost: check };
});
