// The 200 MB import benchmark (issue 10): the real web host in its own process (as users run it), a generated
// 230 MB CSV uploaded and imported by an import run while a client calls app.info every 20 ms and datasets.list
// every 100 ms. Figures: the slowest call and the 99th percentile (the limit: 100 ms), calls over 100 ms,
// and the upload's and the run's wall time. On a shared machine the slowest call includes whatever the scheduler
// takes away: the process-level test (electron/web-host/import-run.test.ts) asserts the host's own share instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost } from '../e2e/web-host.ts';
import { runImportClient, writeImportCsv } from '../test-support/import-load.ts';

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'qnnlab-bench-import-'));
  const host = await startWebHost({ label: 'bench-import' });
  try {
    const file = join(dir, 'big.csv');
    const bytes = writeImportCsv(file, 1_100_000, 32);
    const report = await runImportClient({ base: host.url, headers: host.authHeaders, file });
    if (report.run.status !== 'succeeded') throw new Error(`the import ended ${report.run.status}: ${report.run.error}`);
    const delays = report.calls.map((c) => c.ms).sort((a, b) => a - b);
    return {
      import_200mb_file_mib: Math.round(bytes / 2 ** 20),
      import_200mb_upload_ms: Math.round(report.uploadMs),
      import_200mb_run_ms: Math.round(report.runMs),
      import_200mb_calls: delays.length,
      import_200mb_slowest_call_ms: Math.round(delays[delays.length - 1]),
      import_200mb_p99_call_ms: Math.round(delays[Math.floor(delays.length * 0.99)]),
      import_200mb_calls_over_100ms: delays.filter((d) => d >= 100).length,
    };
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
