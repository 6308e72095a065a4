// datasets.* channels: thin calls into DatasetService, plus a 'datasets.changed' event after each change.
import type { Handlers } from '../../contract/channels.ts';
import type { EventBus } from '../events.ts';
import type { DatasetService } from '../services/datasets.ts';

type DatasetChannels = 'datasets.list' | 'datasets.get' | 'datasets.import' | 'datasets.rename' | 'datasets.delete' | 'datasets.exportCsv';

export function datasetHandlers(service: DatasetService, events?: Pick<EventBus, 'emit'>) {
  return {
    'datasets.list': () => service.list(),
    'datasets.get': ({ id }) => service.get(id),
    'datasets.import': (request) => {
      const summary = service.importCsv(request);
      events?.emit('datasets.changed', { reason: 'import' });
      return summary;
    },
    'datasets.rename': ({ id, name }) => {
      const summary = service.rename(id, name);
      events?.emit('datasets.changed', { reason: 'rename' });
      return summary;
    },
    'datasets.delete': ({ id }) => {
      const result = service.delete(id);
      events?.emit('datasets.changed', { reason: 'delete' });
      return result;
    },
    'datasets.exportCsv': ({ id, raw }) => service.exportCsv(id, { raw }),
  } satisfies Pick<Handlers, DatasetChannels>;
}
