import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../../electron/contract/channels.ts';
import { setApiClient } from '../../api/client.ts';
import { checkForm, defaultTrainForm } from './form.ts';
import { useNewRunStore } from './store.ts';

/** A fake host: runs.start answers run 9; every call recorded. */
function fakeClient(calls: [string, unknown][]): ApiClient {
  const answers: Record<string, unknown> = {
    'datasets.list': [],
    'devices.list': [],
    'settings.get': { defaultBackend: null, budgetUSD: 50 },
    'provider.status': { provider: 'ionq', url: 'http://fake', keySet: true, keySource: 'environment', canSaveKey: false, backends: [], noiseModels: [] },
    'runs.start': { id: 9 },
  };
  return new Proxy({} as ApiClient, {
    get(_t, prop: string) {
      if (prop === 'on') return () => () => {};
      return async (req: unknown) => {
        calls.push([prop, req]);
        return prop in answers ? { ok: true, value: answers[prop] } : { ok: false, error: { code: 'NOT_FOUND', message: `no ${prop}` } };
      };
    },
  });
}

const starts = (calls: [string, unknown][]) => calls.filter(([c]) => c === 'runs.start').map(([, r]) => r as Record<string, unknown>);

describe('starting a training from the New run page', () => {
  let calls: [string, unknown][];
  beforeEach(async () => {
    setActivePinia(createPinia());
    calls = [];
    setApiClient(fakeClient(calls));
    await useNewRunStore().init({ kind: 'train' });
  });

  it('a QPU run waits for the confirmation: Cancel sends nothing, Confirm sends confirmCharges', async () => {
    const store = useNewRunStore();
    const { config } = checkForm('train', { ...defaultTrainForm(), backend: 'ionq:qpu.aria-1', shots: 1000 });
    expect(await store.start(config)).toBeNull();
    expect(store.confirming).toEqual({ config, backend: 'ionq:qpu.aria-1' });
    expect(starts(calls)).toEqual([]);
    store.cancelCharges();
    expect(store.confirming).toBeNull();
    expect(starts(calls)).toEqual([]);

    await store.start(config);
    expect(await store.confirmCharges()).toBe(9);
    expect(starts(calls)).toEqual([{ kind: 'train', config, confirmCharges: true }]);
    expect(store.confirming).toBeNull();
  });

  it("an experiment whose qnn-mice runs on a QPU waits for the confirmation too; on IonQ's simulator it does not", async () => {
    const store = useNewRunStore();
    store.kind = 'experiment';
    const config = (backend: string) => ({
      datasetId: 1,
      outcome: 'death',
      methods: ['mean', { name: 'qnn-mice', options: { backend, shots: 100 } }],
      mask: { mechanism: 'mcar', rate: 0.2 },
      seeds: [1],
    });
    expect(await store.start(config('ionq:qpu.forte-1'))).toBeNull();
    expect(store.confirming?.backend).toBe('ionq:qpu.forte-1');
    expect(starts(calls)).toEqual([]);
    expect(await store.confirmCharges()).toBe(9);
    expect(await store.start(config('ionq:simulator'))).toBe(9);
    expect(starts(calls).map((r) => r.confirmCharges)).toEqual([true, undefined]);
  });

  it('a run on the cloud simulator or here starts at once, without confirmCharges', async () => {
    const store = useNewRunStore();
    for (const backend of ['ionq:simulator', 'ionq-aria', '']) {
      const { config } = checkForm('train', { ...defaultTrainForm(), backend, shots: 1000 });
      expect(await store.start(config)).toBe(9);
    }
    expect(starts(calls).map((r) => [r.config && (r.config as { backend?: string }).backend, 'confirmCharges' in r])).toEqual([
      ['ionq:simulator', false],
      ['ionq-aria', false],
      [undefined, false],
    ]);
    expect(store.confirming).toBeNull();
  });
});
