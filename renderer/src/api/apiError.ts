import type { ErrorKind } from '../../../shared/model';

/** An error from the core or the transport, with the contract's `kind` so the UI can say what to do. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The kind of any thrown value: an `ApiError`'s own kind, otherwise "internal". */
export function errorKindOf(error: unknown): ErrorKind {
  return error instanceof ApiError ? error.kind : 'internal';
}
