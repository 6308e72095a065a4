// One dispatcher for every transport (ipcMain, HTTP, tests): validates the request against the channel's schema,
// calls the handler, and turns every outcome into a Result. Nothing thrown crosses the boundary.
import { channels, type ChannelName, type Handlers } from '../contract/channels.ts';
import { AppError, type Result } from '../contract/errors.ts';

export function isChannel(name: string): name is ChannelName {
  return Object.hasOwn(channels, name);
}

export async function dispatch(handlers: Handlers, name: string, rawRequest: unknown): Promise<Result<unknown>> {
  if (!isChannel(name)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown API channel "${name}".` } };
  }
  const parsed = channels[name].request.safeParse(rawRequest ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`);
    return {
      ok: false,
      error: { code: 'VALIDATION', message: `Invalid request for ${name}: ${issues.join('; ')}`, details: parsed.error.issues },
    };
  }
  try {
    const handler = handlers[name] as (request: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    if (e instanceof AppError) return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
    console.error(`[rpc] ${name} failed`, e);
    return { ok: false, error: { code: 'INTERNAL', message: `Internal error in ${name}: ${(e as Error).message}` } };
  }
}
