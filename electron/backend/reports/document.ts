// A report as data (what the run or comparison report builders produce) and its one HTML rendering: a self-contained
// file with its CSS inline and its charts as inline SVG, no reference to anything outside it (no script, no URL), so
// it reads offline, prints (print CSS, page breaks) and mails as one attachment. The CSV and JSON exports come from
// the same document (exports.ts).
import type { EChartsCoreOption } from 'echarts';
import { Pacer } from '../../../core/pacer.ts';
import { renderChartSvg, REPORT_CHART_SIZE, stylesheetVariables } from './chart-svg.ts';

/** One cell of a table: its text, and for a number the exact value (data-value), so a reader or a test can check it. */
export type Cell = string | { text: string; value: number | null };

export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'facts'; rows: [label: string, value: string][] }
  | { kind: 'table'; columns: string[]; rows: Cell[][]; caption?: string; /** many columns: smaller type */ dense?: boolean }
  | { kind: 'chart'; title: string; option: EChartsCoreOption; height?: number }
  | { kind: 'code'; text: string };

export interface Section {
  title: string;
  blocks: Block[];
  /** Start this section on a new printed page (long appendices). */
  newPage?: boolean;
}

/** A run whose metric points the CSV and JSON exports hold, with what each row says of it. */
export interface MetricRun {
  runId: number;
  runName: string | null;
  /** The method of an experiment's child run (empty otherwise). */
  method: string;
  seed: number | null;
}

/** One metric point of the CSV and JSON exports. */
export interface MetricRow extends MetricRun {
  metric: string;
  step: number;
  value: number | null;
}

/** Where the exports' points come from: runs of the database (read a page at a time), or rows at hand. */
export type MetricSource = { runs: MetricRun[] } | { rows: MetricRow[] };

export interface ReportDocument {
  title: string;
  /** E.g. `Run 12 · experiment · succeeded`. */
  subtitle: string;
  /** Shown in a box at the top (e.g. the synthetic-data notice); null when none applies. */
  notice: string | null;
  sections: Section[];
  /** The metric points of the CSV and JSON exports. */
  metrics: MetricSource;
  /** The body of the JSON export. */
  data: Record<string, unknown>;
  /** A file name without extension, e.g. `run-12-pbc-mean-mice`. */
  baseName: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The report's CSS. Colours are the app's custom properties (styles.css, the one place they are defined), copied into
 * the report's own :root, so the report looks like the app and stays one file.
 */
function reportCss(): string {
  const root = [...stylesheetVariables()].map(([name, value]) => `${name}:${value};`).join('');
  return `:root{${root}}
*{box-sizing:border-box}
body{margin:0;font-family:var(--font);font-size:13px;line-height:1.45;color:var(--text);background:var(--surface)}
main{max-width:${REPORT_CHART_SIZE.width + 40}px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:20px;margin:0 0 2px}
.subtitle{color:var(--text-2);margin:0 0 16px}
h2{font-size:15px;margin:24px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--border);break-after:avoid-page}
.notice{border:1px solid var(--warning-border);background:var(--warning-soft);color:var(--warning);border-radius:var(--radius);padding:8px 12px;margin:12px 0;font-weight:600}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--border-soft);vertical-align:top}
th{color:var(--text-2);font-weight:600;border-bottom-color:var(--border)}
td.num{text-align:right;white-space:nowrap}
caption{caption-side:top;text-align:left;color:var(--text-2);padding-bottom:4px}
table.facts th{width:28%;font-weight:500}
table.dense{font-size:10.5px}
table.dense th,table.dense td{padding:2px 4px}
table.dense td.num{white-space:normal}
tr{break-inside:avoid}
figure{margin:8px 0 16px;break-inside:avoid}
figcaption{color:var(--text-2);font-weight:600;margin-bottom:4px}
figure svg{width:100%;height:auto;display:block}
pre{font-family:var(--mono);font-size:11px;background:var(--surface-2);border:1px solid var(--border);border-radius:var(--radius);padding:8px;white-space:pre-wrap;word-break:break-word}
footer{color:var(--text-3);font-size:11px;margin-top:32px;border-top:1px solid var(--border);padding-top:8px}
@page{size:A4;margin:14mm 12mm}
@media print{main{max-width:none;padding:0}section.new-page{break-before:page}.notice{print-color-adjust:exact;-webkit-print-color-adjust:exact}}`;
}

function cellHtml(cell: Cell): string {
  if (typeof cell === 'string') return `<td>${escapeHtml(cell)}</td>`;
  const exact = cell.value === null ? '' : ` data-value="${String(cell.value)}"`;
  return `<td class="num"${exact}>${escapeHtml(cell.text)}</td>`;
}

async function blockHtml(block: Block, pacer: Pacer): Promise<string> {
  switch (block.kind) {
    case 'text':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'facts':
      return `<table class="facts"><tbody>${block.rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
    case 'table': {
      const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : '';
      const head = `<thead><tr>${block.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
      const body = `<tbody>${block.rows.map((r) => `<tr>${r.map(cellHtml).join('')}</tr>`).join('')}</tbody>`;
      return `<table${block.dense ? ' class="dense"' : ''}>${caption}${head}${body}</table>`;
    }
    case 'chart': {
      // Each chart takes tens of milliseconds: the host's other work goes in between (a turn costs microseconds).
      await pacer.pause();
      const svg = renderChartSvg(block.option, { width: REPORT_CHART_SIZE.width, height: block.height ?? REPORT_CHART_SIZE.height });
      return `<figure><figcaption>${escapeHtml(block.title)}</figcaption>${svg}</figure>`;
    }
    case 'code':
      return `<pre>${escapeHtml(block.text)}</pre>`;
  }
}

/** The report as one self-contained HTML file. */
export async function renderHtml(doc: ReportDocument, footer: string, signal?: AbortSignal): Promise<string> {
  const pacer = new Pacer(signal);
  const sections: string[] = [];
  for (const s of doc.sections) {
    const blocks: string[] = [];
    for (const b of s.blocks) blocks.push(await blockHtml(b, pacer));
    sections.push(`<section${s.newPage ? ' class="new-page"' : ''}><h2>${escapeHtml(s.title)}</h2>${blocks.join('\n')}</section>`);
  }
  const notice = doc.notice ? `<p class="notice" role="note">${escapeHtml(doc.notice)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${reportCss()}</style>
</head>
<body>
<main>
<h1>${escapeHtml(doc.title)}</h1>
<p class="subtitle">${escapeHtml(doc.subtitle)}</p>
${notice}
${sections.join('\n')}
<footer>${escapeHtml(footer)}</footer>
</main>
</body>
</html>
`;
}

/**
 * What in an HTML text would reach outside it: a URL scheme, a src/href/srcset/action attribute, a CSS url() other
 * than a fragment of the same document (an SVG clip path), an @import, a script or a link. A report has none (tests).
 */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:https?|ftp|file|data|blob|javascript):/gi,
    /\s(?:src|href|srcset|action|xlink:href)\s*=/gi,
    /url\s*\(\s*(?!['"]?#)/gi,
    /@import/gi,
    /<script/gi,
    /<link/gi,
  ];
  for (const p of patterns) for (const m of html.matchAll(p)) found.push(html.slice(Math.max(0, m.index - 30), m.index + 40));
  return found;
}
