// The security policy every host shares, defined once: the renderer's Content-Security-Policy (Electron's response
// header, the web host's header, and the <meta> tag the build writes into index.html), the documentation hosts a
// link may open in the user's browser, and how deeply nested a request may be.

/** The renderer loads only its own bundle: no remote script, style, font, frame or connection. */
const CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Directives a browser ignores (and warns about) when the policy comes in a <meta> tag rather than a header. */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

function serialise(keep: (directive: string) => boolean): string {
  return Object.entries(CSP_DIRECTIVES)
    .filter(([directive]) => keep(directive))
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy as a response header (Electron's session, the web host). */
export const CONTENT_SECURITY_POLICY = serialise(() => true);

/** The same policy for index.html's <meta http-equiv> tag (without the directives only a header can carry). */
export const CONTENT_SECURITY_POLICY_META = serialise((directive) => !HEADER_ONLY_DIRECTIVES.has(directive));

/** The only hosts a link may open in the user's browser (https only): documentation cited by the app. */
export const EXTERNAL_DOCUMENTATION_HOSTS: readonly string[] = ['arxiv.org', 'docs.ionq.com', 'ionq.com', 'learn.microsoft.com'];

/**
 * The deepest nesting of arrays and objects a request may hold. The contract's requests are a few levels deep (a
 * device profile is the deepest, at about 4); a deeper value is refused before anything walks it recursively.
 */
export const MAX_REQUEST_DEPTH = 32;
