// The host's services as run kinds see them (RunHost): datasets and the device catalog of this database. Kinds
// prepare their inputs through it on the host, so workers get resolved objects (a dataset's cells, a backend with its
// profile), never names to look up again. With `imports`, the import kind's services too: a file to import as a
// payload (an upload, or a local path where this host reads paths), and the sliced write of the imported dataset.
import { LabError } from '../../../core/errors.ts';
import { resolveBackend } from '../../../core/hardware/registry.ts';
import type { RunHost } from '../../workers/kinds/types.ts';
import { toApiError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import { checkImportFile, readImportChunks, sourceFile, type UploadStore } from '../import-files.ts';
import type { DatasetService } from '../services/datasets.ts';
import type { DeviceProfileService } from '../services/devices.ts';
import { ionqConnection } from '../provider/credentials.ts';
import { readLabSettings } from '../services/settings.ts';

export interface ImportServices {
  uploads: UploadStore;
  /** Whether a run may import a local path (the desktop app's files, the CLI), not only an upload (the web host). */
  allowPaths: boolean;
  events?: Pick<EventBus, 'emit'>;
}

export function createRunHost(datasets: DatasetService, devices: DeviceProfileService, imports?: ImportServices): RunHost {
  return {
    ...(imports ? importHost(datasets, imports) : {}),
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
    labBudgetUSD: () => readLabSettings(datasets.db).budgetUSD ?? undefined,
    providerConnection: () => {
      const { url, apiKey } = ionqConnection();
      return { url, apiKey };
    },
  };
}

function importHost(datasets: DatasetService, imports: ImportServices): Pick<RunHost, 'importFile' | 'importDataset'> {
  return {
    async importFile(source) {
      const { path, uploadId } = sourceFile(source, imports.uploads, imports.allowPaths);
      const options = { limit: datasets.maxImportBytes, field: uploadId ? 'source.uploadId' : 'source.path' };
      let bytes: number;
      try {
        bytes = await checkImportFile(path, options);
      } catch (e) {
        if (!uploadId || (e as LabError).field !== options.field || (e as LabError).code !== 'VALIDATION') throw e;
        throw new LabError('NOT_FOUND', 'The uploaded file is gone: uploads are removed when their import ends or the host restarts. Choose the file again.', {
          field: options.field,
          value: uploadId,
        });
      }
      return {
        bytes,
        chunks: (signal) => readImportChunks(path, { ...options, signal }),
        dispose: async () => {
          if (uploadId) await imports.uploads.remove(uploadId);
        },
      };
    },
    async importDataset(dataset, profile, meta, progress = {}) {
      try {
        const summary = await datasets.writeInSlices(dataset, meta, profile, progress);
        imports.events?.emit('datasets.changed', { reason: 'import' });
        return summary;
      } catch (e) {
        // A full disk or a read-only database says so, naming the database (nothing of the dataset stays).
        const error = toApiError(e, { databasePath: datasets.db.name });
        if (e instanceof LabError || error.code === 'INTERNAL') throw e;
        throw new LabError(error.code, error.message, {}, { cause: e });
      }
    },
  };
}
