// The host's services as run kinds see them (RunHost): datasets and the device catalog of this database. Kinds
// prepare their inputs through it on the host, so workers get resolved objects (a dataset's cells, a backend with its
// profile), never names to look up again.
import { LabError } from '../../../core/errors.ts';
import { resolveBackend } from '../../../core/hardware/registry.ts';
import type { RunHost } from '../../workers/kinds/types.ts';
import type { DatasetService } from '../services/datasets.ts';
import type { DeviceProfileService } from '../services/devices.ts';

export function createRunHost(datasets: DatasetService, devices: DeviceProfileService): RunHost {
  return {
    dataset(id) {
      let summary;
      try {
        summary = datasets.summary(id);
      } catch (e) {
        if (!(e instanceof LabError) || e.code !== 'NOT_FOUND') throw e;
        throw new LabError('NOT_FOUND', `Dataset ${id} does not exist (any more). Choose one from the datasets list (qnnlab dataset list).`, {
          field: 'datasetId',
          value: id,
        });
      }
      return { id, name: summary.name, source: summary.source, dataset: datasets.load(id) };
    },
    backend: (name) => resolveBackend(name, devices.catalog()),
    deviceProfiles: () => devices.catalog().list(),
  };
}
