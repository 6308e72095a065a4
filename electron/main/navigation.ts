// The Electron window's URL checks, kept free of `electron` so that they can be unit-tested: which page is the app's
// own (navigation targets, the frames IPC calls come from), what the session may load, and which links may open in
// the user's browser. URLs are parsed and compared by parts (origin, path), never by string prefix.
import { EXTERNAL_DOCUMENTATION_HOSTS } from '../contract/security.ts';

export interface AppLocation {
  /** The bundled renderer's index.html as a file: URL. */
  indexUrl: string;
  /** The folder (file: URL ending in /) of the built app: main, preload and renderer. */
  rootUrl: string;
  /** `electron-vite dev`'s server, during development only. */
  devServerUrl?: string;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** A local file URL's path, decoded (file:///a%20b and file:///a b are the same file). */
function localFilePath(url: URL): string | null {
  if (url.protocol !== 'file:' || url.host !== '') return null;
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

function isDevServer(url: URL, app: AppLocation): boolean {
  if (app.devServerUrl === undefined) return false;
  const dev = parse(app.devServerUrl);
  if (!dev) return false;
  if (url.origin === dev.origin) return true;
  // Vite's hot-reload socket: the same host and port over ws:/wss:.
  return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.host === dev.host;
}

/** The app's own page: the bundled index.html (any #route), or the dev server's exact origin during development. */
export function isAppPage(url: string, app: AppLocation): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === 'file:') {
    const index = parse(app.indexUrl);
    const path = localFilePath(parsed);
    return path !== null && index !== null && path === localFilePath(index);
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && isDevServer(parsed, app);
}

/** What the window may load: files of the built app, the dev server, devtools, and in-memory blob:/data: URLs. */
export function isAppResource(url: string, app: AppLocation): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === 'blob:' || parsed.protocol === 'data:' || parsed.protocol === 'devtools:') return true;
  if (parsed.protocol === 'file:') {
    const root = parse(app.rootUrl);
    const path = localFilePath(parsed); // the URL parser has already resolved any ../
    const rootPath = root && localFilePath(root);
    return path !== null && !!rootPath && path.startsWith(rootPath.endsWith('/') ? rootPath : `${rootPath}/`);
  }
  return isDevServer(parsed, app);
}

/** A link that may open in the user's browser: https, on a listed documentation host, without credentials or a port. */
export function isExternalDocumentation(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    EXTERNAL_DOCUMENTATION_HOSTS.includes(parsed.hostname)
  );
}
