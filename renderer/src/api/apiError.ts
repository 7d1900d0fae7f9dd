import { errorCodeFor, type ErrorCode } from '../../../shared/errors';
import type { AppError, ErrorKind } from '../../../shared/model';

/**
 * An error from the core or the transport, with the contract's `kind` (what to do) and `code` (what
 * to say, `errorCodes.<code>` in the catalogues). `message` is the core's English, for the console
 * only; `detail` is a server's own words, shown quoted when present.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly detail: string | null;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    code?: ErrorCode,
    detail?: string | null,
  ) {
    super(message);
    this.code = code ?? errorCodeFor(kind);
    this.detail = detail ?? null;
  }

  static from(error: AppError): ApiError {
    return new ApiError(error.kind, error.message, error.code, error.detail);
  }

  toAppError(): AppError {
    return { kind: this.kind, code: this.code, message: this.message, detail: this.detail };
  }
}

/** The kind of any thrown value: an `ApiError`'s own kind, otherwise "internal". */
export function errorKindOf(error: unknown): ErrorKind {
  return error instanceof ApiError ? error.kind : 'internal';
}

/** The code of any thrown value: an `ApiError`'s own code, otherwise "internal". */
export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof ApiError ? error.code : 'internal';
}
