import { describe, expect, it } from 'vitest';
import { fromQuery, hasListQuery, toQuery } from './list-query.ts';
import { DEFAULT_SORT, NO_FILTERS, type RunFilters } from './store.ts';

describe('runs list address', () => {
  it('writes only what differs from the default list, and reads it back', () => {
    expect(toQuery({ ...NO_FILTERS, status: [] }, { ...DEFAULT_SORT })).toEqual({});
    const filters: RunFilters = { kind: 'train', status: ['running', 'failed'], datasetId: 4, tag: ' qnn ', search: 'pbc', includeChildren: true };
    const query = toQuery(filters, { field: 'name', order: 'desc' });
    expect(query).toEqual({ kind: 'train', status: 'running,failed', dataset: '4', tag: 'qnn', q: 'pbc', children: '1', sort: 'name', order: 'desc' });
    expect(fromQuery(query)).toEqual({ filters: { ...filters, tag: 'qnn' }, sort: { field: 'name', order: 'desc' } });
  });

  it('leaves out what it does not know, and sorts by a field in its default order when none is given', () => {
    expect(fromQuery({ status: 'running,bogus', dataset: '-2', sort: 'colour', order: 'up', children: 'yes' })).toEqual({
      filters: { ...NO_FILTERS, status: ['running'] },
      sort: DEFAULT_SORT,
    });
    expect(fromQuery({ sort: 'name' }).sort).toEqual({ field: 'name', order: 'asc' });
    expect(hasListQuery({ status: 'running' })).toBe(true);
    expect(hasListQuery({ other: '1' })).toBe(false);
  });
});
