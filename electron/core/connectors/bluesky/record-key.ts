/**
 * Record keys chosen by the client, so that a write retried after a crash or a timeout lands on
 * the same key: the PDS refuses a second record there, and the first one can be looked up
 * (`getRecord`) to reconcile. Posts and blocks are keyed by TIDs, so the key is a TID derived
 * from the outbox's idempotency key.
 */
import { createHash } from 'node:crypto';

const TID_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
/** 2024-01-01T00:00:00Z in microseconds: derived keys look like TIDs of recent years. */
const EPOCH_MICROS = 1_704_067_200_000_000n;
/** The time bits span about 4.5 years from EPOCH_MICROS. */
const TIME_SPAN_BITS = 47n;

/**
 * A syntactically valid TID (13 base32-sortable characters, top bit zero) that depends only on
 * `idempotencyKey`. Its time bits carry no meaning: the post's time is its `createdAt`.
 */
export function recordKeyFor(idempotencyKey: string): string {
  const digest = createHash('sha256').update(`parvis:${idempotencyKey}`).digest();
  const hash = digest.readBigUInt64BE(0);
  const micros = EPOCH_MICROS + (hash & ((1n << TIME_SPAN_BITS) - 1n));
  const clockId = (hash >> 54n) & 1023n;
  let n = (micros << 10n) | clockId;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = TID_ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}
