import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../electron/contract/channels.ts';
import type { Result } from '../../../electron/contract/errors.ts';
import type { EstimateTrainingRequest } from '../../../electron/contract/hardware.ts';
import { setApiClient } from '../api/client.ts';
import { useDevicesStore } from './devices.ts';

/** A fake client whose hardware.estimate answers after `delay(request)` ms with the request echoed. */
function fakeClient(answer: (req: EstimateTrainingRequest) => { delay: number; result: Result<unknown> }): ApiClient {
  return new Proxy({} as ApiClient, {
    get(_t, prop: string) {
      if (prop === 'on') return () => () => {};
      return async (req: EstimateTrainingRequest) => {
        if (prop !== 'hardware.estimate') return { ok: false, error: { code: 'NOT_FOUND', message: `no ${prop}` } };
        const { delay, result } = answer(req);
        await new Promise((r) => setTimeout(r, delay));
        return result;
      };
    },
  });
}

const base: EstimateTrainingRequest = { qubits: 16, layers: 4, samples: 100, epochs: 5, shots: 1000, method: 'parallel-shift', backend: 'ionq-aria' };

describe('devices store: plan', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('estimates both methods and keeps the chosen one; a newer plan supersedes a slower older one', async () => {
    setApiClient(fakeClient((req) => ({ delay: req.qubits === 4 ? 30 : 1, result: { ok: true, value: { qubits: req.qubits, method: req.method } } })));
    const store = useDevicesStore();
    const slow = store.plan({ ...base, qubits: 4 });
    const fast = store.plan({ ...base, method: 'parameter-shift' });
    await Promise.all([slow, fast]);
    expect(store.estimateStatus).toBe('ready');
    expect(store.estimate).toMatchObject({ qubits: 16, method: 'parameter-shift' });
    expect(store.pair?.parallel).toMatchObject({ method: 'parallel-shift' });
  });

  it('reports a host error and clears the estimate', async () => {
    setApiClient(fakeClient(() => ({ delay: 0, result: { ok: false, error: { code: 'VALIDATION', message: 'qubits: must be a power of two; got 12' } } })));
    const store = useDevicesStore();
    await store.plan({ ...base, qubits: 12 });
    expect(store.estimateStatus).toBe('error');
    expect(store.estimate).toBeNull();
    expect(store.estimateError?.message).toMatch(/got 12/);
  });
});
