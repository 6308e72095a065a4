// The New run page's state: the forms of each kind, what they choose from (datasets and their columns, backends, the
// Settings), the host's check of the config as the user types (runs.check: the kind's schema and prepare, with the
// device estimate and the budget), and the start. A check's answer that arrives after a newer one was asked for is
// dropped, so the page always shows the figures of what is in the form.
import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { ColumnProfile } from '../../../../core/data/types.ts';
import type { DatasetSummary } from '../../../../electron/contract/datasets.ts';
import type { ApiError } from '../../../../electron/contract/errors.ts';
import type { RunCheck } from '../../../../electron/contract/run-check.ts';
import type { ProviderStatus } from '../../../../electron/contract/provider.ts';
import type { LabSettings } from '../../../../electron/contract/settings.ts';
import { useApi } from '../../api/client.ts';
import {
  backendChoices,
  chargedBackend,
  defaultApplyForm,
  defaultExperimentForm,
  defaultTrainForm,
  formFromConfig,
  isFormKind,
  type ApplyForm,
  type BackendChoice,
  type ExperimentForm,
  type FormKind,
  type Forms,
  type TrainForm,
} from './form.ts';

/** Where the page was opened from: `?kind=&dataset=ID` or `?from=RUNID`. */
export interface NewRunQuery {
  kind?: string;
  dataset?: number;
  from?: number;
}

export const useNewRunStore = defineStore('new-run', () => {
  const kind = ref<FormKind>('experiment');
  const forms = reactive<Forms>({ train: defaultTrainForm(), experiment: defaultExperimentForm(), 'apply-imputer': defaultApplyForm() });
  const name = ref('');
  const datasets = shallowRef<DatasetSummary[]>([]);
  const columns = shallowRef<Record<number, ColumnProfile[]>>({});
  const backends = shallowRef<BackendChoice[]>([]);
  const settings = shallowRef<LabSettings | null>(null);
  /** The cloud provider's status (whether a key is set); null when the host did not say. */
  const provider = shallowRef<ProviderStatus | null>(null);
  /** The run this form was filled from ("Run again with changes"). */
  const fromRun = shallowRef<{ id: number; name: string } | null>(null);
  const loadError = shallowRef<ApiError | null>(null);
  const ready = ref(false);

  const check = shallowRef<RunCheck | null>(null);
  const checkError = shallowRef<ApiError | null>(null);
  const checking = ref(false);
  const starting = ref(false);
  const startError = shallowRef<ApiError | null>(null);
  /** A run on a cloud QPU waiting for the user to confirm its charges: the config it would start and the QPU. */
  const confirming = shallowRef<{ config: Record<string, unknown>; backend: string } | null>(null);

  async function init(query: NewRunQuery): Promise<void> {
    ready.value = false;
    loadError.value = null;
    startError.value = null;
    clearCheck();
    fromRun.value = null;
    name.value = '';
    const api = useApi();
    confirming.value = null;
    const [list, devices, stored, status] = await Promise.all([
      api['datasets.list']({}),
      api['devices.list']({}),
      api['settings.get']({}),
      api['provider.status']({}),
    ]);
    const failed = [list, devices, stored].find((r) => !r.ok);
    if (failed && !failed.ok) {
      loadError.value = failed.error;
      return;
    }
    if (!list.ok || !devices.ok || !stored.ok) return;
    datasets.value = list.value;
    settings.value = stored.value;
    provider.value = status.ok ? status.value : null;
    backends.value = backendChoices(devices.value, provider.value?.keySet ?? true);
    const first = query.dataset ?? datasets.value[0]?.id ?? null;
    forms.train = defaultTrainForm(stored.value.defaultBackend);
    forms.experiment = defaultExperimentForm(first);
    forms['apply-imputer'] = defaultApplyForm(first);
    kind.value = isFormKind(query.kind) ? query.kind : 'experiment';
    if (query.kind === 'train' && query.dataset !== undefined)
      Object.assign(forms.train, { task: 'dataset', datasetId: query.dataset, qubits: '', layers: '' });
    if (query.from !== undefined) {
      const run = await api['runs.get']({ id: query.from });
      if (!run.ok) {
        loadError.value = run.error;
        return;
      }
      if (!isFormKind(run.value.kind)) {
        loadError.value = {
          code: 'VALIDATION',
          message: `Run ${run.value.id} is a ${run.value.kind} run, which this page does not start; start it again with qnnlab run start.`,
        };
        return;
      }
      kind.value = run.value.kind;
      const filled = formFromConfig(run.value.kind, (run.value.config ?? {}) as Record<string, unknown>);
      if (run.value.kind === 'train') forms.train = filled as TrainForm;
      else if (run.value.kind === 'experiment') forms.experiment = filled as ExperimentForm;
      else forms['apply-imputer'] = filled as ApplyForm;
      fromRun.value = { id: run.value.id, name: run.value.name ?? `${run.value.kind} run` };
    }
    for (const id of [forms.experiment.datasetId, forms.train.datasetId]) if (id !== null) await loadColumns(id);
    ready.value = true;
  }

  /** A dataset's columns (for the outcome, target and excluded columns), fetched once. */
  async function loadColumns(id: number): Promise<void> {
    if (columns.value[id]) return;
    const got = await useApi()['datasets.get']({ id });
    if (got.ok) columns.value = { ...columns.value, [id]: got.value.columnProfiles };
  }

  /** How long the host took for the last check: the next one waits at least as long (a large dataset's checks take seconds). */
  const lastCheckMs = ref(0);
  let sequence = 0;
  /** Asks the host about a config the form finds valid; a newer request makes this one's answer moot. */
  async function runCheck(config: Record<string, unknown>): Promise<void> {
    const mine = ++sequence;
    checking.value = true;
    const began = performance.now();
    const result = await useApi()['runs.check']({ kind: kind.value, config });
    lastCheckMs.value = performance.now() - began;
    if (mine !== sequence) return;
    checking.value = false;
    check.value = result.ok ? result.value : null;
    checkError.value = result.ok ? null : result.error;
  }

  /** Forgets the host's answer (the form has a problem of its own, or changed since). */
  function clearCheck(): void {
    sequence++;
    checking.value = false;
    check.value = null;
    checkError.value = null;
  }

  /**
   * Starts the run; its id, or null (startError set: a refusal names its field). A run on a cloud QPU is charged to
   * the user's IonQ account: it waits for confirmCharges() (null meanwhile, nothing sent), or cancelCharges().
   */
  async function start(config: Record<string, unknown>): Promise<number | null> {
    const backend = chargedBackend(kind.value, config);
    if (backend) {
      confirming.value = { config, backend };
      return null;
    }
    return send(config, false);
  }

  /** The user confirmed the charges of the run waiting for it: started with confirmCharges. */
  async function confirmCharges(): Promise<number | null> {
    const waiting = confirming.value;
    if (!waiting) return null;
    const id = await send(waiting.config, true);
    confirming.value = null;
    return id;
  }

  function cancelCharges(): void {
    confirming.value = null;
  }

  async function send(config: Record<string, unknown>, confirmed: boolean): Promise<number | null> {
    starting.value = true;
    startError.value = null;
    const result = await useApi()['runs.start']({
      kind: kind.value,
      config,
      ...(name.value.trim() ? { name: name.value.trim() } : {}),
      ...(confirmed ? { confirmCharges: true } : {}),
    });
    starting.value = false;
    if (result.ok) return result.value.id;
    startError.value = result.error;
    return null;
  }

  return {
    kind,
    forms,
    name,
    datasets,
    columns,
    backends,
    settings,
    provider,
    fromRun,
    loadError,
    ready,
    check,
    checkError,
    checking,
    lastCheckMs,
    starting,
    startError,
    confirming,
    init,
    loadColumns,
    runCheck,
    clearCheck,
    start,
    confirmCharges,
    cancelCharges,
  };
});
