// The runs list's filters and sort in the page address (/runs?status=running,failed&tag=qnn&sort=name&order=asc), so
// a list can be linked to, reloaded and reached with Back as it was. Unknown or malformed values are left out.
import { DEFAULT_SORT_ORDER, RUN_SORT_FIELDS, RUN_STATUSES, type RunSortField, type RunStatus } from '../../../../electron/contract/runs.ts';
import { DEFAULT_SORT, NO_FILTERS, type RunFilters, type RunSort } from './store.ts';

export type ListQuery = Record<string, string>;

const KEYS = ['kind', 'status', 'dataset', 'tag', 'q', 'children', 'sort', 'order'];

/** Whether the address says anything about the list (else the list keeps what it showed last). */
export function hasListQuery(query: Record<string, unknown>): boolean {
  return KEYS.some((k) => k in query);
}

export function toQuery(filters: RunFilters, sort: RunSort): ListQuery {
  const query: ListQuery = {};
  if (filters.kind) query.kind = filters.kind;
  if (filters.status.length > 0) query.status = filters.status.join(',');
  if (filters.datasetId !== null) query.dataset = String(filters.datasetId);
  if (filters.tag.trim()) query.tag = filters.tag.trim();
  if (filters.search.trim()) query.q = filters.search.trim();
  if (filters.includeChildren) query.children = '1';
  if (sort.field !== DEFAULT_SORT.field || sort.order !== DEFAULT_SORT.order) {
    query.sort = sort.field;
    query.order = sort.order;
  }
  return query;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

export function fromQuery(query: Record<string, unknown>): { filters: RunFilters; sort: RunSort } {
  const dataset = Number(text(query.dataset));
  const field = text(query.sort);
  const sortField: RunSortField = (RUN_SORT_FIELDS as readonly string[]).includes(field) ? (field as RunSortField) : DEFAULT_SORT.field;
  const order = text(query.order);
  return {
    filters: {
      ...NO_FILTERS,
      kind: text(query.kind) || null,
      status: text(query.status)
        .split(',')
        .filter((s): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s)),
      datasetId: Number.isSafeInteger(dataset) && dataset > 0 ? dataset : null,
      tag: text(query.tag),
      search: text(query.q),
      includeChildren: text(query.children) === '1',
    },
    sort: { field: sortField, order: order === 'asc' || order === 'desc' ? order : DEFAULT_SORT_ORDER[sortField] },
  };
}
