// The New run page's state: the forms of each kind, what they choose from (datasets and their columns, backends, the
// Settings), the host's check of the config as the user types (runs.check: the kind's schema and prepare, with the
// device estimate and the budget), and the start. A check's answer that arrives after a newer one was asked for is
// dropped, so the page always shows the figures of what is in the form.
import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { ColumnProfile } from '../../../../core/data/types.ts';
import type { DatasetSummary } from '../../../../electron/contract/datasets.ts';
import type { ApiError } from '../../../../electron/contract/errors.ts';
import { SIMULATOR_BACKENDS } from '../../../../electron/contract/hardware.ts';
import type { RunCheck } from '../../../../electron/contract/run-check.ts';
import type { LabSettings } from '../../../../electron/contract/settings.ts';
import { useApi } from '../../api/client.ts';
import {
  defaultApplyForm,
  defaultExperimentForm,
  defaultTrainForm,
  formFromConfig,
  isFormKind,
  type ApplyForm,
  type ExperimentForm,
  type FormKind,
  type Forms,
  type TrainForm,
} from './form.ts';

export interface BackendChoice {
  id: string;
  label: string;
  device: boolean;
}

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
  /** The run this form was filled from ("Run again with changes"). */
  const fromRun = shallowRef<{ id: number; name: string } | null>(null);
  const loadError = shallowRef<ApiError | null>(null);
  const ready = ref(false);

  const check = shallowRef<RunCheck | null>(null);
  const checkError = shallowRef<ApiError | null>(null);
  const checking = ref(false);
  const starting = ref(false);
  const startError = shallowRef<ApiError | null>(null);

  async function init(query: NewRunQuery): Promise<void> {
    ready.value = false;
    loadError.value = null;
    startError.value = null;
    clearCheck();
    fromRun.value = null;
    name.value = '';
    const api = useApi();
    const [list, devices, stored] = await Promise.all([api['datasets.list']({}), api['devices.list']({}), api['settings.get']({})]);
    const failed = [list, devices, stored].find((r) => !r.ok);
    if (failed && !failed.ok) {
      loadError.value = failed.error;
      return;
    }
    if (!list.ok || !devices.ok || !stored.ok) return;
    datasets.value = list.value;
    settings.value = stored.value;
    backends.value = [
      ...SIMULATOR_BACKENDS.map((id) => ({ id, label: id, device: false })),
      ...devices.value.filter((d) => !d.problem).map((d) => ({ id: d.id, label: `${d.name} (${d.id})`, device: true })),
    ];
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

  /** Starts the run; its id, or null with startError set (a refusal names its field). */
  async function start(config: Record<string, unknown>): Promise<number | null> {
    starting.value = true;
    startError.value = null;
    const result = await useApi()['runs.start']({ kind: kind.value, config, ...(name.value.trim() ? { name: name.value.trim() } : {}) });
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
    fromRun,
    loadError,
    ready,
    check,
    checkError,
    checking,
    lastCheckMs,
    starting,
    startError,
    init,
    loadColumns,
    runCheck,
    clearCheck,
    start,
  };
});
