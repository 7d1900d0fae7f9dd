/**
 * Calls the core as a bridge does: the contract's zod schema parses the input, then the handler
 * runs. Unlike the bridge it throws instead of answering an error envelope, so a broken case stops
 * the bench rather than timing an error.
 */
import type { Core } from '../../electron/core/app';
import { calls, type CallInput, type CallName, type CallOutput, type ParsedInput } from '../../shared/contract';

export async function callCore<N extends CallName>(core: Core, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  const parsed = calls[name].input.parse(input) as ParsedInput<N>;
  const handler = core.handlers[name] as (input: ParsedInput<N>) => CallOutput<N> | Promise<CallOutput<N>>;
  return await handler(parsed);
}
