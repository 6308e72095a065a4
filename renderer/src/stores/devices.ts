// Device profiles and training estimates. Calls the API only; never throws to views.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DeviceProfileDetail, DeviceProfileSummary } from '../../../electron/contract/devices.ts';
import type { ApiError } from '../../../electron/contract/errors.ts';
import type { EstimateTrainingRequest, HardwareEstimate } from '../../../electron/contract/hardware.ts';
import { useApi } from '../api/client.ts';
import type { LoadStatus } from './datasets.ts';

/** The plan with both gradient methods: the chosen one is `estimate`; the pair feeds the comparison. */
export interface EstimatePair {
  parallel: HardwareEstimate;
  perParameter: HardwareEstimate;
}

export const useDevicesStore = defineStore('devices', () => {
  const items = shallowRef<DeviceProfileSummary[]>([]);
  /** Details of the listed profiles (for the list's fidelity, noise and pricing columns and the detail panel). */
  const details = shallowRef<Record<string, DeviceProfileDetail>>({});
  const listStatus = ref<LoadStatus>('idle');
  const listError = shallowRef<ApiError | null>(null);

  const estimate = shallowRef<HardwareEstimate | null>(null);
  const pair = shallowRef<EstimatePair | null>(null);
  const estimateStatus = ref<LoadStatus>('idle');
  const estimateError = shallowRef<ApiError | null>(null);

  let listRequest: Promise<void> | null = null;

  /** Loads the list and every valid profile's detail; concurrent calls share one request. */
  function refresh(): Promise<void> {
    if (listRequest) return listRequest;
    if (listStatus.value !== 'ready') listStatus.value = 'loading';
    listRequest = (async () => {
      const api = useApi();
      const result = await api['devices.list']({});
      if (!result.ok) {
        listError.value = result.error;
        listStatus.value = items.value.length > 0 ? 'ready' : 'error';
        return;
      }
      const got = await Promise.all(result.value.filter((s) => !s.problem).map((s) => api['devices.get']({ id: s.id })));
      const next: Record<string, DeviceProfileDetail> = {};
      for (const r of got) if (r.ok) next[r.value.id] = r.value;
      const failed = got.find((r) => !r.ok);
      details.value = next;
      items.value = result.value;
      listError.value = failed && !failed.ok ? failed.error : null;
      listStatus.value = 'ready';
    })().finally(() => {
      listRequest = null;
    });
    return listRequest;
  }

  let sequence = 0;

  /** Estimates the plan with both gradient methods; a newer call supersedes an older one still in flight. */
  async function plan(request: EstimateTrainingRequest): Promise<void> {
    const mine = ++sequence;
    estimateStatus.value = 'loading';
    const api = useApi();
    const [parallel, perParameter] = await Promise.all([
      api['hardware.estimate']({ ...request, method: 'parallel-shift' }),
      api['hardware.estimate']({ ...request, method: 'parameter-shift' }),
    ]);
    if (mine !== sequence) return;
    const chosen = request.method === 'parameter-shift' ? perParameter : parallel;
    if (!chosen.ok) {
      estimateError.value = chosen.error;
      estimate.value = null;
      pair.value = null;
      estimateStatus.value = 'error';
      return;
    }
    estimateError.value = null;
    estimate.value = chosen.value;
    pair.value = parallel.ok && perParameter.ok ? { parallel: parallel.value, perParameter: perParameter.value } : null;
    estimateStatus.value = 'ready';
  }

  /** Shows a problem found before asking the host (e.g. an empty field); cancels any estimate in flight. */
  function planError(error: ApiError): void {
    sequence++;
    estimateError.value = error;
    estimate.value = null;
    pair.value = null;
    estimateStatus.value = 'error';
  }

  let unsubscribe: (() => void) | null = null;
  function watchHost(): void {
    if (unsubscribe) return;
    unsubscribe = useApi().on('devices.changed', () => {
      if (listStatus.value !== 'idle') void refresh();
    });
  }

  return { items, details, listStatus, listError, estimate, pair, estimateStatus, estimateError, refresh, plan, planError, watchHost };
});
