// The web host's trust boundary, as Jupyter and VS Code's server draw it for local tools: the host answers only to
// its own names (so a DNS-rebinding page cannot reach it), refuses requests another site's page makes (Origin and
// Sec-Fetch-Site), and serves its API only to holders of a secret made at each launch. The address printed at start
// carries the secret once; the page then holds it in an HttpOnly SameSite=Strict cookie; scripts send it in a header.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { LabError } from '../../core/errors.ts';

/** Scripts and tests may send the secret in this header (or as `Authorization: Bearer <token>`). */
export const TOKEN_HEADER = 'x-qnnlab-token';
/** The query parameter of the printed address. */
export const TOKEN_PARAMETER = 'token';

/** Cookies ignore ports: each host's cookie is named after its port, so two hosts on one machine do not clash. */
export function tokenCookieName(port: number): string {
  return `qnnlab-token-${port}`;
}

/** A fresh secret for one launch: 256 random bits, URL-safe. */
export function createLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares secrets in constant time (hashing first makes the lengths equal, so the length leaks nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** A name or address as it appears in a Host header (IPv6 addresses in brackets), lower case. */
function hostForm(host: string): string {
  const lower = host.toLowerCase();
  return isIP(lower) === 6 ? `[${lower}]` : lower;
}

/** True for the loopback names and addresses: binding to them keeps the host unreachable from other machines. */
export function isLoopbackHost(host: string): boolean {
  const h = hostForm(host);
  return LOOPBACK_NAMES.includes(h) || (isIP(h) === 4 && h.startsWith('127.'));
}

/** True for the addresses that bind every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/**
 * The names this host answers to besides the loopback ones: the bound host, and for a wildcard bind the machine's
 * name and its interface addresses (what another machine types to reach it).
 */
export function hostNamesFor(bindHost: string): string[] {
  if (!isWildcardHost(bindHost)) return [hostForm(bindHost)];
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => hostForm(i.address.split('%')[0])));
  return [...new Set([hostForm(hostname()), ...addresses])];
}

/** The address to print: it carries the secret, which the first visit turns into a cookie. */
export function tokenizedAddress(host: string, port: number, token: string): string {
  const name = isWildcardHost(host) ? '127.0.0.1' : hostForm(host);
  return `http://${name}:${port}/?${TOKEN_PARAMETER}=${token}`;
}

export interface TrustPolicy {
  /** The secret of this launch. */
  token: string;
  /** Names answered besides the loopback ones (hostNamesFor). */
  hostNames: readonly string[];
}

const refuse = (message: string) => new LabError('FORBIDDEN', message);

/** The request's Host (lower case) when it names this host on its port; otherwise throws FORBIDDEN. */
export function checkHost(req: IncomingMessage, policy: TrustPolicy, port: number): string {
  const given = req.headers.host ?? '';
  const host = given.toLowerCase();
  const allowed = [...LOOPBACK_NAMES, ...policy.hostNames].some((name) => host === `${name}:${port}` || (port === 80 && host === name));
  if (!allowed) {
    throw refuse(
      `This web host does not answer to "${given}". Open QNN Lab at the address the host printed when it started (http://127.0.0.1:${port}/?token=…).`,
    );
  }
  return host;
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function headerToken(req: IncomingMessage): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return bearer?.[1];
}

/**
 * Checks an API request (`host` from checkHost): a foreign Origin or a cross-site fetch is refused even with the
 * secret; then the secret must come in a header or in the launch cookie. A cookie-only request that changes state
 * must carry Origin: every browser sends it with a POST, so its absence means the request is not the app's page.
 * (A header cannot be sent by another site without a CORS preflight, which this host never grants.)
 */
export function checkApiRequest(req: IncomingMessage, policy: TrustPolicy, host: string, port: number): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    throw refuse(`A request from another site (${origin}) was refused: only QNN Lab's own pages may use its web host. Nothing was changed.`);
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw refuse(`A ${site} request was refused: only QNN Lab's own pages may use its web host. Nothing was changed.`);
  }
  const printed = `http://${host}/?${TOKEN_PARAMETER}=…`;
  const fromHeader = headerToken(req);
  if (fromHeader !== undefined) {
    if (!sameSecret(fromHeader, policy.token)) {
      throw refuse(`The access token in the request is wrong. Use the token of the address the web host printed when it started (${printed}).`);
    }
    return;
  }
  const fromCookie = cookieValue(req, tokenCookieName(port));
  if (fromCookie === undefined) {
    throw refuse(`This page has no access key for the QNN Lab web host. Open the address the host printed when it started (${printed}): it carries the key.`);
  }
  if (!sameSecret(fromCookie, policy.token)) {
    throw refuse(
      "This page's access key is from an earlier start of the web host (each start makes a new one). " +
        `Open the address the host printed when it started (${printed}).`,
    );
  }
  if (origin === undefined && req.method !== 'GET' && req.method !== 'HEAD') {
    throw refuse('A browser request without an Origin header was refused. Scripts send the token in the X-QNNLab-Token header instead.');
  }
}

/** RPC bodies must be JSON: an HTML form or a no-cors fetch from another site cannot send this type. */
export function checkJsonBody(req: IncomingMessage): void {
  checkBodyType(req, 'application/json', 'API calls');
}

/** Uploads must be application/octet-stream, which an HTML form or a no-cors fetch cannot send either. */
export function checkUploadBody(req: IncomingMessage): void {
  checkBodyType(req, 'application/octet-stream', 'Uploads');
}

function checkBodyType(req: IncomingMessage, expected: string, what: string): void {
  const type = req.headers['content-type'] ?? '';
  if (type.split(';')[0].trim().toLowerCase() !== expected) {
    throw refuse(`${what} must be sent with Content-Type: ${expected} (got "${type}"). Nothing was changed.`);
  }
}
