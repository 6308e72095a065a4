// The plain Node host: serves the built renderer and the same API as Electron's IPC, over HTTP
// (POST /api/rpc/<channel> -> Result JSON) and server-sent events (GET /api/events).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { MAX_IMPORT_BYTES } from '../contract/datasets.ts';
import type { Result } from '../contract/errors.ts';
import type { Backend } from '../backend/backend.ts';
import type { EventBus } from '../backend/events.ts';

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
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
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
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(text);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function handleRpc(req: IncomingMessage, res: ServerResponse, channel: string, options: WebHostOptions): Promise<void> {
  const limit = options.maxBodyBytes ?? bodyLimitFor(MAX_IMPORT_BYTES);
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendJson(res, 405, { ok: false, error: { code: 'VALIDATION', message: 'Use POST for API calls.' } } satisfies Result<never>);
  }
  let text: string;
  try {
    text = await readBody(req, limit);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      req.resume();
      const mib = Math.round(limit / 2 ** 20);
      return sendJson(res, 413, {
        ok: false,
        error: { code: 'TOO_LARGE', message: `The request is larger than ${mib} MiB. Split the file or import it with \`qnnlab dataset import\`.` },
      } satisfies Result<never>);
    }
    throw e;
  }
  let request: unknown = {};
  if (text.trim() !== '') {
    try {
      request = JSON.parse(text);
    } catch {
      return sendJson(res, 400, { ok: false, error: { code: 'VALIDATION', message: 'The request body is not valid JSON.' } } satisfies Result<never>);
    }
  }
  sendJson(res, 200, await options.dispatch(decodeURIComponent(channel), request));
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

async function serveStatic(req: IncomingMessage, res: ServerResponse, rendererDir: string): Promise<void> {
  const root = resolve(rendererDir);
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
  let file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) return sendJson(res, 403, { error: 'Forbidden' });
  const isFile = await stat(file).then((s) => s.isFile(), () => false);
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

export function createWebHost(options: WebHostOptions): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const rpc = /^\/api\/rpc\/([^/]+)$/.exec(url.pathname);
    const work = rpc
      ? handleRpc(req, res, rpc[1], options)
      : url.pathname === '/api/events'
        ? Promise.resolve(handleEvents(req, res, options.events))
        : url.pathname.startsWith('/api/')
          ? Promise.resolve(sendJson(res, 404, { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `No API route ${url.pathname}.` } }))
          : serveStatic(req, res, options.rendererDir);
    work.catch((e: unknown) => {
      console.error('[web-host]', e);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: (e as Error).message } });
      else res.end();
    });
  });
}
