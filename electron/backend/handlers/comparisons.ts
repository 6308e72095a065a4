// comparisons.* channels: thin calls into ComparisonService (statistics computed once by the host and stored).
import type { Handlers } from '../../contract/channels.ts';
import type { ComparisonService } from '../services/comparisons.ts';

type ComparisonChannels = 'comparisons.preview' | 'comparisons.save' | 'comparisons.list' | 'comparisons.get' | 'comparisons.rename' | 'comparisons.delete';

export function comparisonHandlers(service: ComparisonService) {
  return {
    'comparisons.preview': (request) => service.preview(request),
    'comparisons.save': (request) => service.save(request),
    'comparisons.list': () => service.list(),
    'comparisons.get': (request) => service.get(request),
    'comparisons.rename': (request) => service.rename(request),
    'comparisons.delete': (request) => service.delete(request),
  } satisfies Pick<Handlers, ComparisonChannels>;
}
