// The dataset page's charts: leaving a wide dataset's page while its heatmap is still being repainted after a
// resize raises no error (the page fixture fails on any page error), and names in tooltips are text, never markup.
import type { DatasetSummary } from '../electron/contract/datasets.ts';
import { expect, rpc, test } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

/** A table of `columns` numeric columns and `rows` rows, about one cell in seven missing (deterministic). */
function wideCsv(columns: number, rows: number): string {
  const header = Array.from({ length: columns }, (_, j) => `c${j + 1}`).join(',');
  const lines = [header];
  for (let i = 0; i < rows; i++) lines.push(Array.from({ length: columns }, (_, j) => ((i * 31 + j * 17) % 7 === 0 ? '' : String((i * j) % 97))).join(','));
  return `${lines.join('\n')}\n`;
}

test('leaving a 122-column dataset page just after a window resize raises no error', async ({ page, host }) => {
  // 122 columns x 400 sampled rows: ECharts paints the heatmap's ~49,000 cells over several animation frames.
  const imported = await rpc<DatasetSummary>(host, 'datasets.import', { fileName: 'wide-122.csv', content: wideCsv(122, 1000) });
  if (!imported.ok) throw new Error(imported.error.message);
  // Leave 1, 2 or 3 frames after the resize: while the repaint the resize started is still under way.
  for (const frames of [1, 2, 3]) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/#/datasets/${imported.value.id}`);
    await expect(page.getByTestId('summary-columns')).toHaveText('122');
    await expect(page.getByTestId('heatmap-chart').locator('canvas').first()).toBeVisible();
    await page.waitForTimeout(300);
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.evaluate(async (n) => {
      for (let i = 0; i < n; i++) await new Promise((done) => requestAnimationFrame(done));
      location.hash = '#/datasets';
    }, frames);
    await expect(page.getByTestId('dataset-count')).toBeVisible();
    // Long enough for any paint still queued for the disposed chart to run (and fail the page fixture).
    await page.waitForTimeout(300);
  }
});

test('markup in column names and values shows as text in the chart tooltips', async ({ page, host }) => {
  const img = '<img src=x onerror=alert(1)>';
  const bold = '<b>bold</b>';
  const rows = Array.from({ length: 12 }, (_, i) => `${i % 3 === 0 ? '' : i},${i % 2 ? '<i>odd</i>' : '<i>even</i>'}`);
  const content = `"${img}","${bold}"\n${rows.join('\n')}\n`;
  const imported = await rpc<DatasetSummary>(host, 'datasets.import', { fileName: 'markup.csv', content });
  if (!imported.ok) throw new Error(imported.error.message);
  await page.goto(`/#/datasets/${imported.value.id}`);
  await expect(page.getByTestId('summary-columns')).toHaveText('2');

  // The heatmap: one column on each half of the chart.
  const heatmap = page.getByTestId('heatmap-chart');
  await heatmap.scrollIntoViewIfNeeded();
  const canvas = heatmap.locator('canvas').first();
  await expect(canvas).toBeVisible();
  const box = (await canvas.boundingBox())!;
  const tooltip = heatmap.locator('.chart-tooltip');
  for (const [x, name] of [
    [0.3, img],
    [0.85, bold],
  ] as const) {
    await page.mouse.move(box.x + box.width * x, box.y + box.height * 0.75);
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText(`· ${name}:`);
    expect(await tooltip.locator('img, b').count()).toBe(0);
  }

  // The histogram of the categorical column: its axis tooltip names the series and the category.
  await page.getByTestId('column-row').nth(1).click();
  const histogram = page.getByTestId('histogram');
  await expect(histogram.locator('.meta')).toContainText(bold);
  const svg = histogram.locator('svg').first();
  const hbox = (await svg.boundingBox())!;
  await page.mouse.move(hbox.x + hbox.width * 0.3, hbox.y + hbox.height * 0.5);
  const axisTip = histogram.locator('.chart-tooltip');
  await expect(axisTip).toBeVisible();
  await expect(axisTip).toContainText('<i>');
  await expect(axisTip).toContainText(bold);
  expect(await axisTip.locator('img, b, i').count()).toBe(0);
});
