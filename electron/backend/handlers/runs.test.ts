import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiError, Result } from '../../contract/errors.ts';
import type { DeletedRuns, LogPage, MetricSeries, RunDetail, RunPage } from '../../contract/runs.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { EventBus } from '../events.ts';
import { dispatch } from '../rpc.ts';
import { DatasetService } from '../services/datasets.ts';
import { DeviceProfileService } from '../services/devices.ts';
import { RunService } from '../services/runs.ts';
import { createHandlers } from './index.ts';

const lab = useTempDatabase('qnnlab-run-handlers-');
let runs: RunService;
let call: (channel: string, request: unknown) => Promise<Result<unknown>>;
let events: unknown[];

beforeEach(() => {
  const db = lab.db;
  runs = new RunService(db, '0.1.0-test');
  const bus = new EventBus();
  events = [];
  bus.subscribe((event, payload) => events.push({ event, payload }));
  const handlers = createHandlers({
    db,
    databasePath: lab.path,
    transport: 'http',
    version: '0.1.0-test',
    datasets: new DatasetService(db),
    devices: new DeviceProfileService(db),
    runs,
    events: bus,
  });
  call = (channel, request) => dispatch(handlers, channel, request);
});

async function ok<T>(channel: string, request: unknown): Promise<T> {
  const r = await call(channel, request);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  // What crosses a transport is JSON: the value must survive it unchanged.
  expect(JSON.parse(JSON.stringify(r.value))).toEqual(r.value);
  return r.value as T;
}

async function fail(channel: string, request: unknown): Promise<ApiError> {
  const r = await call(channel, request);
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return r.error;
}

describe('runs.* channels', () => {
  it('list, get, metrics, logs, update and delete a run through the API, announcing changes', async () => {
    const parent = runs.create({ kind: 'experiment', name: 'pbc sweep', config: { seeds: 2 }, status: 'succeeded', tags: ['paper'] });
    const child = runs.create({ kind: 'imputation', parentId: parent, config: {}, status: 'succeeded' });
    runs.appendMetrics(parent, [
      { name: 'nrmse', step: 0, value: 0.5 },
      { name: 'nrmse', step: 1, value: null },
    ]);
    runs.log(parent, 'info', 'seed 1 done');

    const page = await ok<RunPage>('runs.list', { status: 'succeeded', tag: 'paper' });
    expect(page).toMatchObject({ total: 1, nextCursor: null, runs: [{ id: parent, name: 'pbc sweep', childCount: 1, tags: ['paper'] }] });
    expect((await ok<RunPage>('runs.list', { parentId: parent })).runs.map((r) => r.id)).toEqual([child]);
    expect(await ok<RunDetail>('runs.get', { id: parent })).toMatchObject({
      config: { seeds: 2 },
      childCount: 1,
      metrics: [{ name: 'nrmse', count: 2, firstStep: 0, lastStep: 1 }],
    });
    expect(await ok<MetricSeries[]>('runs.metrics', { id: parent, names: ['nrmse'] })).toEqual([
      {
        name: 'nrmse',
        points: [
          [0, 0.5],
          [1, null],
        ],
        total: 2,
        downsampled: false,
      },
    ]);
    expect((await ok<LogPage>('runs.logs', { id: parent })).lines.map((l) => l.message)).toEqual(['seed 1 done']);
    expect(await ok<RunDetail>('runs.update', { id: parent, name: 'pbc sweep 2', tags: ['paper', 'qnn'] })).toMatchObject({
      name: 'pbc sweep 2',
      tags: ['paper', 'qnn'],
    });
    expect(await ok<DeletedRuns>('runs.delete', { id: parent })).toEqual({ ids: [parent, child] });
    expect(events).toEqual([
      { event: 'runs.changed', payload: { ids: [parent] } },
      { event: 'runs.changed', payload: { ids: [parent, child] } },
    ]);
    expect(await fail('runs.get', { id: parent })).toMatchObject({ code: 'NOT_FOUND', message: `Run ${parent} does not exist.` });
  });

  it('refuses a malformed request with VALIDATION naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['runs.list', { limit: 501 }, 'limit'],
      ['runs.list', { limit: 0 }, 'limit'],
      ['runs.list', { status: 'done' }, 'status'],
      ['runs.list', { status: [] }, 'status'],
      ['runs.list', { kind: ['train', ''] }, 'kind.1'],
      ['runs.list', { sort: 'size' }, 'sort'],
      ['runs.list', { order: 'up' }, 'order'],
      ['runs.list', { createdAfter: '2026-13-01' }, 'createdAfter'],
      ['runs.list', { parentId: -1 }, 'parentId'],
      ['runs.list', { tag: 'x'.repeat(65) }, 'tag'],
      ['runs.get', { id: 0 }, 'id'],
      ['runs.get', { id: '1' }, 'id'],
      ['runs.metrics', { id: 1, maxPoints: 5 }, 'maxPoints'],
      ['runs.metrics', { id: 1, fromStep: 10, toStep: 5 }, 'toStep'],
      ['runs.metrics', { id: 1, names: [] }, 'names'],
      ['runs.logs', { id: 1, afterId: -1 }, 'afterId'],
      ['runs.logs', { id: 1, limit: 5001 }, 'limit'],
      ['runs.update', { id: 1, name: 'x'.repeat(201) }, 'name'],
      ['runs.update', { id: 1, tags: ['ok', ''] }, 'tags.1'],
      ['runs.update', { id: 1, notes: 7 }, 'notes'],
      ['runs.delete', {}, 'id'],
    ];
    for (const [channel, request, field] of cases) {
      const e = await fail(channel, request);
      expect([e.code, e.field], `${channel} ${JSON.stringify(request).slice(0, 60)}`).toEqual(['VALIDATION', field]);
      expect(e.message).toContain(`Invalid request for ${channel}: ${field}`);
    }
    // The service's own refusals keep their field through the API.
    expect(await fail('runs.list', { cursor: 'nope' })).toMatchObject({ code: 'VALIDATION', field: 'cursor' });
    const queued = runs.create({ kind: 'train', config: {} });
    expect(await fail('runs.delete', { id: queued })).toMatchObject({ code: 'CONFLICT', field: 'id', value: queued });
    expect(events).toEqual([]);
  });
});
