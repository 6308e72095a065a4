// The Compare page's data: an unsaved comparison (the host computes it from the runs, comparisons.preview) or a saved
// one (read as stored, comparisons.get), and the saved comparisons' list. Calls the API only; never throws to views.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ComparisonDetail, ComparisonStatistics, ComparisonSummary } from '../../../../electron/contract/comparisons.ts';
import type { ApiError, Result } from '../../../../electron/contract/errors.ts';
import { useApi } from '../../api/client.ts';
import type { LoadStatus } from '../../stores/datasets.ts';

export const useCompareStore = defineStore('compare', () => {
  const statistics = shallowRef<ComparisonStatistics | null>(null);
  /** The saved comparison shown (null: an unsaved one from the runs in the address). */
  const saved = shallowRef<ComparisonSummary | null>(null);
  const status = ref<LoadStatus>('idle');
  const error = shallowRef<ApiError | null>(null);
  const list = shallowRef<ComparisonSummary[]>([]);
  const listStatus = ref<LoadStatus>('idle');
  const listError = shallowRef<ApiError | null>(null);

  /** Which request the page shows: a newer open supersedes one still in flight. */
  let sequence = 0;

  async function load<T>(request: () => Promise<Result<T>>, apply: (value: T) => void): Promise<void> {
    const mine = ++sequence;
    status.value = 'loading';
    error.value = null;
    const result = await request();
    if (mine !== sequence) return;
    if (!result.ok) {
      statistics.value = null;
      saved.value = null;
      error.value = result.error;
      status.value = 'error';
      return;
    }
    apply(result.value);
    status.value = 'ready';
  }

  function openRuns(runs: number[]): Promise<void> {
    return load(
      () => useApi()['comparisons.preview']({ runs }),
      (value) => {
        statistics.value = value;
        saved.value = null;
      },
    );
  }

  function openSaved(id: number): Promise<void> {
    return load(
      () => useApi()['comparisons.get']({ id }),
      ({ statistics: stats, ...summary }: ComparisonDetail) => {
        statistics.value = stats;
        saved.value = summary;
      },
    );
  }

  /** Saves the runs of the comparison shown under a name; the host computes and stores the statistics. */
  async function save(name: string): Promise<Result<ComparisonDetail>> {
    const runs = statistics.value?.runIds ?? [];
    const result = await useApi()['comparisons.save']({ name, runs });
    if (result.ok) void refreshList();
    return result;
  }

  async function rename(id: number, name: string): Promise<Result<ComparisonSummary>> {
    const result = await useApi()['comparisons.rename']({ id, name });
    if (result.ok && saved.value?.id === id) saved.value = result.value;
    if (result.ok) void refreshList();
    return result;
  }

  async function remove(id: number): Promise<Result<{ id: number }>> {
    const result = await useApi()['comparisons.delete']({ id });
    if (result.ok) {
      list.value = list.value.filter((c) => c.id !== id);
      if (saved.value?.id === id) saved.value = null;
    }
    return result;
  }

  async function refreshList(): Promise<void> {
    if (listStatus.value !== 'ready') listStatus.value = 'loading';
    const result = await useApi()['comparisons.list']({});
    if (result.ok) {
      list.value = result.value;
      listError.value = null;
      listStatus.value = 'ready';
    } else {
      listError.value = result.error;
      listStatus.value = 'error';
    }
  }

  return { statistics, saved, status, error, list, listStatus, listError, openRuns, openSaved, save, rename, remove, refreshList };
});
