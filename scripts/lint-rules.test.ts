// The layer rules of ARCHITECTURE.md are lint rules (eslint.config.js): a check of the check, on sources written
// here and linted as if they lived in each layer.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'boundaries/dependencies' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('core imports nothing outside core and no Node module, electron or better-sqlite3', async () => {
    expect(await problems('core/train/x.ts', "import { dispatch } from '../../electron/backend/rpc.ts';\nexport const a = dispatch;\n")).toEqual([
      expect.stringMatching(/elements of type "backend" are not allowed in elements of type "core"/),
    ]);
    for (const spec of ['node:fs', 'path', 'electron', 'better-sqlite3']) {
      expect(await problems('core/train/x.ts', `import x from '${spec}';\nexport const a = x;\n`)).toEqual([expect.stringMatching(/import no Node module/)]);
    }
    expect(
      await problems(
        'core/train/x.ts',
        "import { z } from 'zod';\nimport { InvalidInputError } from '../errors.ts';\nexport const a = [z, InvalidInputError];\n",
      ),
    ).toEqual([]);
  });

  it('the renderer imports only the contract from electron/', async () => {
    expect(await problems('renderer/src/x.ts', "import { dispatch } from '../../electron/backend/rpc.ts';\nexport const a = dispatch;\n")).toHaveLength(1);
    expect(
      await problems('renderer/src/x.ts', "import { CHANNEL_NAMES } from '../../electron/contract/channels.ts';\nexport const a = CHANNEL_NAMES;\n"),
    ).toEqual([]);
  });

  it('electron/backend never imports electron; workers import only core and the contract', async () => {
    expect(await problems('electron/backend/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([
      expect.stringMatching(/never imports electron/),
    ]);
    expect(await problems('electron/workers/x.ts', "import { openDatabase } from '../backend/db/database.ts';\nexport const a = openDatabase;\n")).toHaveLength(
      1,
    );
    expect(
      await problems(
        'electron/workers/x.ts',
        "import { CHANNEL_NAMES } from '../contract/channels.ts';\nimport { createRng } from '../../core/random.ts';\nexport const a = [CHANNEL_NAMES, createRng];\n",
      ),
    ).toEqual([]);
  });
  it('chart option builders import only core, the contract, other builders and the number format; the backend may import them', async () => {
    const ok =
      "import { formatNumber } from '../lib/format.ts';\nimport { CHART_FONT } from './theme.ts';\nimport type { RunDetail } from '../../../electron/contract/runs.ts';\nexport const a = [formatNumber, CHART_FONT] as RunDetail[] | unknown[];\n";
    expect(await problems('renderer/src/charts/x.ts', ok)).toEqual([]);
    expect(await problems('renderer/src/charts/x.ts', "import { plural } from '../lib/plan.ts';\nexport const a = plural;\n")).toEqual([
      expect.stringMatching(/elements of type "renderer" are not allowed in elements of type "charts"/),
    ]);
    expect(await problems('renderer/src/charts/x.ts', "import { useRunsStore } from '../stores/app.ts';\nexport const a = useRunsStore;\n")).toHaveLength(1);
    expect(await problems('renderer/src/charts/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).toHaveLength(1);
    expect(await problems('renderer/src/lib/format.ts', "import { plural } from './plan.ts';\nexport const a = plural;\n")).toHaveLength(1);
    expect(
      await problems(
        'electron/backend/x.ts',
        "import { buildHistogramOption } from '../../renderer/src/charts/histogram.ts';\nexport const a = buildHistogramOption;\n",
      ),
    ).toEqual([]);
    expect(
      await problems('electron/backend/x.ts', "import { formatNumber } from '../../renderer/src/lib/format.ts';\nexport const a = formatNumber;\n"),
    ).toEqual([]);
    expect(
      await problems('electron/backend/x.ts', "import { useAppStore } from '../../renderer/src/stores/app.ts';\nexport const a = useAppStore;\n"),
    ).toHaveLength(1);
  });
});
