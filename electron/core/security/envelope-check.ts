/**
 * What the contract fuzz asserts about every answer: an envelope in the contract's shape, a typed
 * error (never `internal`, which means an unexpected exception) with a short message in words, and
 * no prototype polluted along the way.
 */
import { calls, isCallName } from '../../../shared/contract';
import { AppError } from '../../../shared/model';

/** Error messages echo what they must and stay readable: never a megabyte of the input back. */
const MAX_MESSAGE_LENGTH = 1_000;

/** Problems with one answer; empty when it is a proper envelope. */
export function envelopeProblems(name: unknown, answer: unknown): string[] {
  if (!answer || typeof answer !== 'object' || typeof (answer as { ok?: unknown }).ok !== 'boolean') {
    return [`not an envelope: ${String(JSON.stringify(answer)).slice(0, 200)}`];
  }
  const envelope = answer as { ok: boolean; value?: unknown; error?: unknown };
  if (envelope.ok) {
    if (!isCallName(name)) return [`an unknown call answered ok`];
    const parsed = calls[name].output.safeParse(envelope.value);
    return parsed.success ? [] : [`output does not match the contract: ${parsed.error.issues[0]?.message ?? ''}`];
  }
  const error = AppError.safeParse(envelope.error);
  if (!error.success) return [`error is not an AppError: ${String(JSON.stringify(envelope.error)).slice(0, 200)}`];
  const problems: string[] = [];
  if (error.data.kind === 'internal') problems.push(`internal error: ${error.data.message.slice(0, 300)}`);
  if (error.data.message.trim().length === 0) problems.push('error without a message');
  if (error.data.message.length > MAX_MESSAGE_LENGTH) problems.push(`error message of ${error.data.message.length} characters`);
  return problems;
}

/** Non-empty when something wrote onto Object.prototype (or Array.prototype). */
export function pollutionProblems(): string[] {
  const probe = {} as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['polluted', 'type', 'isMe', 'ok']) {
    if (key in probe) problems.push(`Object.prototype.${key} was set`);
    if (key in ([] as unknown as Record<string, unknown>)) problems.push(`Array.prototype.${key} was set`);
  }
  if (typeof probe.toString !== 'function') problems.push('Object.prototype.toString was replaced');
  return problems;
}
