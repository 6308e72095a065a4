// The plain Node host: serves the built renderer and the same API as Electron's IPC, over HTTP
// (POST /api/rpc/<channel> -> Result JSON), server-sent events (GET /api/events) and uploads (POST /api/uploads: a
// file's bytes streamed to disk for an import run). Every request passes the trust boundary of trust.ts first: its
// own Host names only, and for /api/ routes the launch secret and its own origin.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { InvalidInputError, LabError } from '../../core/errors.ts';
import { MAX_IMPORT_BYTES, type UploadedFile } from '../contract/datasets.ts';
import type { ApiError, ErrorCode, Result } from '../contract/errors.ts';
import { CONTENT_SECURITY_POLICY, MAX_REQUEST_DEPTH } from '../contract/security.ts';
import type { Backend } from '../backend/backend.ts';
import { toApiError } from '../backend/errors.ts';
import type { EventBus } from '../backend/events.ts';
import type { UploadStore } from '../backend/import-files.ts';
import { nestingExceeds } from './nesting.ts';
import { checkApiRequest, checkHost, checkJsonBody, checkUploadBody, sameSecret, tokenCookieName, TOKEN_PARAMETER } from './trust.ts';

/** A request body may carry a whole CSV file as JSON text (escaping can grow it), plus the other fields. */
export function bodyLimitFor(maxImportBytes: number): number {
  return Math.ceil(maxImportBytes * 1.1) + 64 * 1024;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export interface WebHostOptions {
  /** The backend's dispatcher: every API call goes through it. */
  dispatch: Backend['dispatch'];
  events: EventBus;
  rendererDir: string;
  /** Default: room for a CSV of the contract's MAX_IMPORT_BYTES. */
  maxBodyBytes?: number;
  /** The secret of this launch (createLaunchToken()): every /api/ route requires it. */
  token: string;
  /** Host names answered besides the loopback ones (hostNamesFor(--host)). */
  hostNames?: readonly string[];
  /** Where POST /api/uploads writes files to import, and the largest it takes (the host's import limit). */
  uploads?: { store: UploadStore; maxBytes: number };
  /** Exported reports, served at GET /api/reports/<id> to reopen them (Backend.reports). */
  reports?: { file(id: number): { fileName: string; mediaType: string; bytes: Uint8Array } };
}

/** HTTP status of an error the host itself raises (API results travel as 200 with {ok: false}). */
const STATUS: Partial<Record<ErrorCode, number>> = { VALIDATION: 400, FORBIDDEN: 403, NOT_FOUND: 404, TOO_LARGE: 413 };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, STATUS[error.code] ?? 500, { ok: false, error } satisfies Result<never>);
}

/** A path segment or path, %-decoded; a malformed escape is the client's mistake, not a crash. */
function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidInputError(`The address ${text} has a malformed %-escape. Check the link, or open QNN Lab from its start page.`, { value: text });
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const mib = Math.round(limit / 2 ** 20);
  const tooLarge = () => new LabError('TOO_LARGE', `The request is larger than ${mib} MiB. Split the file or import it with \`qnnlab dataset import\`.`);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The request body as JSON, refused with VALIDATION when it is not JSON or nested deeper than the contract allows. */
function parseRequest(text: string): unknown {
  if (text.trim() === '') return {};
  let request: unknown;
  try {
    request = JSON.parse(text); // V8's JSON.parse does not recurse, whatever the depth
  } catch {
    throw new InvalidInputError('The request body is not valid JSON.');
  }
  if (nestingExceeds(request, MAX_REQUEST_DEPTH)) {
    const allowed = `at most ${MAX_REQUEST_DEPTH} levels`;
    throw new InvalidInputError(`The request is nested more than ${MAX_REQUEST_DEPTH} levels deep. Send a flatter value.`, { allowed });
  }
  return request;
}

async function handleRpc(req: IncomingMessage, res: ServerResponse, channel: string, options: WebHostOptions): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendJson(res, 405, { ok: false, error: { code: 'VALIDATION', message: 'Use POST for API calls.' } } satisfies Result<never>);
  }
  checkJsonBody(req);
  const request = parseRequest(await readBody(req, options.maxBodyBytes ?? bodyLimitFor(MAX_IMPORT_BYTES)));
  sendJson(res, 200, await options.dispatch(decodePath(channel), request));
}

/** POST /api/uploads?name=FILE: the body (the file's bytes) streamed to the upload folder; answers {uploadId, bytes}. */
async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL, uploads: NonNullable<WebHostOptions['uploads']>): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendJson(res, 405, { ok: false, error: { code: 'VALIDATION', message: 'Use POST to upload a file.' } } satisfies Result<never>);
  }
  checkUploadBody(req);
  const fileName = url.searchParams.get('name');
  const name = fileName ? `"${fileName.slice(0, 512)}"` : 'The file';
  const mib = (uploads.maxBytes / 2 ** 20).toFixed(0);
  if (Number(req.headers['content-length'] ?? 0) > uploads.maxBytes) {
    throw new LabError(
      'TOO_LARGE',
      `${name} is larger than the ${mib} MiB this host imports. Nothing was imported. Split the file, or drop columns it does not need.`,
      {
        allowed: `at most ${uploads.maxBytes} bytes`,
      },
    );
  }
  let uploaded: UploadedFile;
  try {
    // Not destroyed on an early stop: the route's error path drains the rest, so the client reads the 413.
    uploaded = await uploads.store.receive(req.iterator({ destroyOnReturn: false }), uploads.maxBytes, name);
  } catch (e) {
    if (!req.destroyed && !req.readableAborted) throw e;
    throw new LabError(
      'CANCELLED',
      `The upload of ${name} stopped before the whole file arrived (the page closed or the connection dropped). Nothing was kept.`,
    );
  }
  sendJson(res, 200, { ok: true, value: uploaded } satisfies Result<UploadedFile>);
}

/**
 * A report's own policy: its inline CSS and SVG and nothing else (no script, no request, no form), in a sandbox, so a
 * report opened in a tab can do nothing even if its text held markup.
 */
export const REPORT_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/** GET /api/reports/<id>[?download=1]: an exported report, HTML shown in the tab (or any format downloaded). */
function handleReport(req: IncomingMessage, res: ServerResponse, url: URL, id: number, reports: NonNullable<WebHostOptions['reports']>): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendJson(res, 405, { ok: false, error: { code: 'VALIDATION', message: 'Use GET to open a report.' } } satisfies Result<never>);
  }
  const file = reports.file(id);
  const inline = file.mediaType.startsWith('text/html') && url.searchParams.get('download') !== '1';
  const name = file.fileName.replace(/[^\w.-]/g, '_');
  res.writeHead(200, {
    'Content-Type': file.mediaType,
    'Content-Length': file.bytes.length,
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"`,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': REPORT_CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : file.bytes);
}

function handleEvents(req: IncomingMessage, res: ServerResponse, events: EventBus): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', ...SECURITY_HEADERS });
  res.write(': connected\n\n');
  const unsubscribe = events.subscribe((event, payload) => res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`));
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, rendererDir: string): Promise<void> {
  const root = resolve(rendererDir);
  let file = normalize(join(root, decodePath(url.pathname)));
  if (file !== root && !file.startsWith(root + sep)) throw new LabError('FORBIDDEN', `The address ${url.pathname} leads outside QNN Lab's files.`);
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) file = join(root, 'index.html'); // SPA fallback
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`The renderer is not built (no ${join(root, 'index.html')}). Run \`npm run build\` first.`);
  }
}

/**
 * The first visit, at the printed address with the secret: the secret becomes an HttpOnly SameSite=Strict cookie and
 * the browser is sent to the same address without it, so it stays neither in the address bar nor in the history.
 */
function acceptToken(res: ServerResponse, url: URL, token: string, port: number): void {
  const given = url.searchParams.get(TOKEN_PARAMETER) ?? '';
  if (!sameSecret(given, token)) {
    res.writeHead(403, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
    res.end(
      '<!doctype html><title>QNN Lab</title><p>The access token in this address is not the one of the running QNN Lab web host ' +
        '(each start makes a new one). Open the address the host printed when it started.</p>',
    );
    return;
  }
  url.searchParams.delete(TOKEN_PARAMETER);
  res.writeHead(302, {
    Location: url.pathname + url.search,
    'Set-Cookie': `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    'Cache-Control': 'no-store',
    ...SECURITY_HEADERS,
  });
  res.end();
}

async function route(req: IncomingMessage, res: ServerResponse, options: WebHostOptions, port: number): Promise<void> {
  const policy = { token: options.token, hostNames: options.hostNames ?? [] };
  const host = checkHost(req, policy, port);
  const url = URL.parse(req.url ?? '/', `http://${host}`);
  if (!url) throw new InvalidInputError(`The address ${req.url} is not valid.`);
  if (!url.pathname.startsWith('/api/')) {
    if (url.searchParams.has(TOKEN_PARAMETER)) return acceptToken(res, url, options.token, port);
    return serveStatic(req, res, url, options.rendererDir);
  }
  checkApiRequest(req, policy, host, port);
  const rpc = /^\/api\/rpc\/([^/]+)$/.exec(url.pathname);
  if (rpc) return handleRpc(req, res, rpc[1], options);
  if (url.pathname === '/api/events') return handleEvents(req, res, options.events);
  if (url.pathname === '/api/uploads' && options.uploads) return handleUpload(req, res, url, options.uploads);
  const report = /^\/api\/reports\/(\d{1,15})$/.exec(url.pathname);
  if (report && options.reports) return handleReport(req, res, url, Number(report[1]), options.reports);
  sendJson(res, 404, { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `No API route ${url.pathname}.` } });
}

export function createWebHost(options: WebHostOptions): Server {
  const server = createServer((req, res) => {
    route(req, res, options, (server.address() as AddressInfo).port).catch((e: unknown) => {
      const error = toApiError(e, { action: 'the web host' });
      if (error.code === 'INTERNAL') console.error('[web-host]', e);
      // A refused or failed request may leave its body unread: drain it so the connection can answer.
      req.resume();
      if (!res.headersSent) sendError(res, error);
      else res.end();
    });
  });
  return server;
}
