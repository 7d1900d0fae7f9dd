/**
 * Error codes: the closed list of what can go wrong that the core tells the UI about. The core
 * never sends words meant for the user (its `message` is English for the logs); the renderer words
 * each code from its catalogues (`errorCodes.<code>`, en and fr), and may follow it with the
 * server's own words (`detail`), quoted and marked as such.
 *
 * A code is finer than an error's `kind` (which says what the core does about it: retry, wait,
 * ask for a sign-in): it says what the user is told. Most codes follow from the kind and the HTTP
 * status (`errorCodeFor`); a connector names one itself where it knows better.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  /** The network no longer accepts the sign-in (401, a revoked or expired token, a wrong password). */
  'sign-in-refused',
  /** Signed in, but the account may not do this (403). */
  'permission-denied',
  /** Too many requests: the network asks to wait (429). */
  'rate-limited',
  /** The daily or monthly quota is used up (YouTube's 403 quotaExceeded, X's read cap). */
  'quota-exceeded',
  /** No answer at all: offline, a wrong address, a refused connection, a timeout. */
  'unreachable',
  /** The server answered that it is down or overloaded (502, 503, 504). */
  'server-unavailable',
  /** The server failed on its side (other 5xx). */
  'server-error',
  /** The network refused the request (400, 409, 422 and other 4xx). */
  'refused',
  /** The network no longer has what was asked (404, 410). */
  'gone',
  /** A server's TLS certificate is not trusted (self-signed, a private authority): its fingerprint is the detail. */
  'certificate-untrusted',
  /** An answer Parvis cannot read (not the expected format). */
  'bad-response',
  /** The network does not allow this. */
  'not-supported',
  /** Parvis's own refusals and failures. */
  'invalid-input',
  'not-found',
  'conflict',
  'keychain-unavailable',
  'storage',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The code an error of this kind (and HTTP status, when a server answered) tells the user. */
export function errorCodeFor(kind: string, status: number | null | undefined = null): ErrorCode {
  switch (kind) {
    case 'auth':
      return status === 403 ? 'permission-denied' : 'sign-in-refused';
    case 'rate-limited':
      return status === 403 ? 'quota-exceeded' : 'rate-limited';
    case 'network':
      if (status === null || status === undefined) return 'unreachable';
      return status === 502 || status === 503 || status === 504 ? 'server-unavailable' : 'server-error';
    case 'bad-response':
      if (status === 404 || status === 410) return 'gone';
      if (status !== null && status !== undefined && status >= 400 && status < 500) return 'refused';
      if (status !== null && status !== undefined && status >= 500) return status === 502 || status === 503 || status === 504 ? 'server-unavailable' : 'server-error';
      return 'bad-response';
    default:
      return isErrorCode(kind) ? kind : 'internal';
  }
}

/** Codes whose detail is not the server's words but a value the catalogues name (`errorDetail.<code>`). */
export const CODES_WITH_OWN_DETAIL = ['certificate-untrusted'] as const satisfies readonly ErrorCode[];

/** Longest server's words kept with an error, in characters. */
export const DETAIL_MAX = 300;

/**
 * The code of an error the outbox stored as text: `kind: [code] message` (or, written before codes,
 * `kind: message`). Null for no error.
 */
export function codeOfStoredError(text: string | null | undefined): ErrorCode | null {
  if (!text) return null;
  const tagged = /^([a-z-]+): \[([a-z-]+)\]/.exec(text);
  if (tagged && isErrorCode(tagged[2])) return tagged[2];
  const kind = /^([a-z-]+):/.exec(text);
  return kind ? errorCodeFor(kind[1]!) : 'internal';
}
