// One dispatcher for every transport (ipcMain, HTTP, CLI, tests): validates the request against the channel's schema,
// calls the handler, and turns every outcome into a Result through the one error mapper. Nothing thrown crosses the
// boundary.
import type { z } from 'zod';
import { channels, type ChannelName, type Handlers } from '../contract/channels.ts';
import type { ApiError, Result } from '../contract/errors.ts';
import { toApiError, type ErrorContext } from './errors.ts';

export function isChannel(name: string): name is ChannelName {
  return Object.hasOwn(channels, name);
}

/** A request that fails its channel's schema: VALIDATION naming the first field at fault, every issue in details. */
export function schemaError(channel: string, issues: readonly z.core.$ZodIssue[], input: unknown): ApiError {
  const where = (i: z.core.$ZodIssue) => i.path.map(String).join('.') || '(request)';
  const first = issues[0];
  const error: ApiError = {
    code: 'VALIDATION',
    message: `Invalid request for ${channel}: ${issues.map((i) => `${where(i)}: ${i.message}`).join('; ')}`,
    details: { issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  };
  if (first && first.path.length > 0) {
    error.field = where(first);
    let v: unknown = input;
    for (const key of first.path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
    if (v !== undefined && (typeof v !== 'string' || v.length <= 200)) error.value = v;
  }
  return error;
}

export async function dispatch(handlers: Handlers, name: string, rawRequest: unknown, context: ErrorContext = {}): Promise<Result<unknown>> {
  if (!isChannel(name)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown API channel "${name}".` } };
  }
  const request = rawRequest ?? {};
  const parsed = channels[name].request.safeParse(request);
  if (!parsed.success) return { ok: false, error: schemaError(name, parsed.error.issues, request) };
  try {
    const handler = handlers[name] as (request: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    const error = toApiError(e, { ...context, action: name });
    if (error.code === 'INTERNAL') console.error(`[rpc] ${name} failed`, e);
    return { ok: false, error };
  }
}
