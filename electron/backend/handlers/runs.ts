// runs.* channels: thin calls into RunService, plus a 'runs.changed' event after each change made here (the run
// engine emits its own for the runs it creates and advances).
import type { Handlers } from '../../contract/channels.ts';
import type { EventBus } from '../events.ts';
import type { RunService } from '../services/runs.ts';

type RunChannels = 'runs.list' | 'runs.get' | 'runs.metrics' | 'runs.logs' | 'runs.update' | 'runs.delete';

export function runHandlers(service: RunService, events?: Pick<EventBus, 'emit'>) {
  return {
    'runs.list': (query) => service.list(query),
    'runs.get': ({ id }) => service.detail(id),
    'runs.metrics': ({ id, names, ...range }) => service.metricSeries(id, names, range),
    'runs.logs': ({ id, ...page }) => service.logs(id, page),
    'runs.update': ({ id, ...patch }) => {
      const run = service.update(id, patch);
      events?.emit('runs.changed', { ids: [id] });
      return run;
    },
    'runs.delete': ({ id }) => {
      const deleted = service.delete(id);
      events?.emit('runs.changed', { ids: deleted.ids });
      return deleted;
    },
  } satisfies Pick<Handlers, RunChannels>;
}
