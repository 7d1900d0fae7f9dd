/**
 * One dispatcher for every bridge (ipcMain in Electron, the WebSocket in web mode): checks the
 * call name against the contract, parses the input with zod, calls the core, and answers an
 * envelope. Nothing thrown by a handler escapes: it becomes `{ ok: false, error: { kind, message } }`.
 */
import { ZodError } from 'zod';
import { calls, isCallName, type Envelope, type Handlers } from '../../shared/contract';
import { errorCodeFor, type ErrorCode } from '../../shared/errors';
import type { AppError, ErrorKind } from '../../shared/model';
import { ConnectorError } from './connectors/types';
import { ConflictError } from './db/workspace';
import { NotFoundError } from './db/conversations';
import { storageErrorOf } from './db/connection';
import { InvalidCursorError } from './db/inbox';
import { KeychainUnavailableError } from './secrets/secret-store';

/** An error a handler throws on purpose, with its kind (and the code the user is told, by default the kind's). */
export class CoreError extends Error {
  readonly code: ErrorCode;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    code?: ErrorCode,
  ) {
    super(message);
    this.name = 'CoreError';
    this.code = code ?? errorCodeFor(kind);
  }
}

/** Keeps an error readable: zod lists every unknown key, and a hostile input may have thousands. */
function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describeZodError(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => shorten(`${i.path.length ? i.path.slice(0, 8).join('.') : 'input'}: ${i.message}`, 160))
    .join('; ');
}

/** An AppError of this kind, its code following from the kind. */
export function appError(kind: ErrorKind, message: string): AppError {
  return { kind, code: errorCodeFor(kind), message };
}

/** Maps anything thrown to a typed error the UI can explain. */
export function toAppError(err: unknown): AppError {
  if (err instanceof CoreError) return { kind: err.kind, code: err.code, message: err.message };
  if (err instanceof ZodError) return appError('invalid-input', describeZodError(err));
  if (err instanceof NotFoundError) return appError('not-found', err.message);
  if (err instanceof ConflictError) return appError('conflict', err.message);
  if (err instanceof InvalidCursorError) return appError('invalid-input', err.message);
  if (err instanceof KeychainUnavailableError) return appError('keychain-unavailable', err.message);
  if (err instanceof ConnectorError) return { kind: err.kind, code: err.code, message: err.message, detail: err.detail };
  const storage = storageErrorOf(err);
  if (storage) return appError('storage', storage.message);
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code.startsWith('SQLITE_CONSTRAINT_FOREIGNKEY')) return appError('not-found', 'A referenced item does not exist.');
  return appError('internal', err instanceof Error ? err.message : 'Unexpected error');
}

export interface DispatchOptions {
  /** Reports unexpected (internal) errors, e.g. to the log. */
  onInternalError?: (name: string, err: unknown) => void;
}

export async function dispatch(
  handlers: Handlers,
  name: unknown,
  rawInput: unknown,
  opts: DispatchOptions = {},
): Promise<Envelope<unknown>> {
  if (!isCallName(name)) {
    // Never String(name): a name from the web bridge may be an object that cannot become a string.
    const shown = typeof name === 'string' ? name.slice(0, 64) : `(a ${name === null ? 'null' : typeof name}, not a name)`;
    return { ok: false, error: appError('invalid-input', `Unknown call: ${shown}`) };
  }
  const parsed = calls[name].input.safeParse(rawInput === undefined ? {} : rawInput);
  if (!parsed.success) return { ok: false, error: appError('invalid-input', describeZodError(parsed.error)) };
  try {
    const handler = handlers[name] as (input: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (err) {
    const error = toAppError(err);
    if (error.kind === 'internal') opts.onInternalError?.(name, err);
    return { ok: false, error };
  }
}
