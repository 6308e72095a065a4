// reports.* channels: thin calls into ReportService, and a 'reports.changed' event after an export or a delete.
import type { Handlers } from '../../contract/channels.ts';
import type { EventBus } from '../events.ts';
import type { ReportService } from '../reports/service.ts';

type ReportChannels = 'reports.export' | 'reports.list' | 'reports.file' | 'reports.delete';

export function reportHandlers(service: ReportService, events?: Pick<EventBus, 'emit'>) {
  return {
    'reports.export': async (request) => {
      const report = await service.export(request);
      events?.emit('reports.changed', { ids: [report.id] });
      return report;
    },
    'reports.list': ({ limit }) => service.list(limit),
    'reports.file': ({ id }) => service.fileBase64(id),
    'reports.delete': ({ id }) => {
      const deleted = service.delete(id);
      events?.emit('reports.changed', { ids: [id] });
      return deleted;
    },
  } satisfies Pick<Handlers, ReportChannels>;
}
