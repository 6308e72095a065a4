// Reports: a finished run or a saved comparison exported as one self-contained HTML file, a PDF, or its metrics as
// CSV or JSON. Every export is recorded (the Reports page lists them and reopens them); an export from the app keeps
// the file in the database, one from `qnnlab report --out FILE` records where it wrote it.
import { z } from 'zod';
import { runId } from './runs.ts';

export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The media type of each format (a download's type, the web host's Content-Type). */
export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Most reports one page of `reports.list` returns (newest first). */
export const REPORTS_PAGE_SIZE = { default: 100, max: 1_000 } as const;

export interface ReportSummary {
  id: number;
  title: string;
  format: ReportFormat;
  /** What it reports on (null once that run or comparison is deleted: the report stays). */
  runId: number | null;
  comparisonId: number | null;
  /** The name a download takes, e.g. `run-12-pbc-mean-mice.html`. */
  fileName: string;
  bytes: number;
  /** Where `qnnlab report` wrote it (null for an export from the app, which the database keeps). */
  path: string | null;
  /** Whether the database holds the file (it can be reopened however the file system changes). */
  stored: boolean;
  /** ISO 8601. */
  createdAt: string;
  /** The version of QNN Lab that wrote it. */
  appVersion: string | null;
}

/** A report's file, for a download (base64: PDF is binary and every transport carries JSON). */
export interface ReportFile {
  fileName: string;
  mediaType: string;
  base64: string;
}

export const comparisonRef = z.number().int().positive();

/** One subject, a run or a comparison, and the format. */
export const exportReportRequest = z
  .object({
    runId: runId.optional(),
    comparisonId: comparisonRef.optional(),
    format: z.enum(REPORT_FORMATS),
  })
  .superRefine((r, ctx) => {
    if ((r.runId === undefined) === (r.comparisonId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['runId'], message: 'give exactly one of runId and comparisonId' });
    }
  });
export type ExportReportRequest = z.input<typeof exportReportRequest>;

export const listReportsRequest = z.object({
  limit: z.number().int().min(1).max(REPORTS_PAGE_SIZE.max).default(REPORTS_PAGE_SIZE.default),
});

export const reportIdRequest = z.object({ id: z.number().int().positive() });
