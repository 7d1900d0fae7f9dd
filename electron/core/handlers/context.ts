/**
 * Handlers per domain, each receiving the request's context.
 *
 * The contract's calls are implemented by small modules (accounts, inbox, conversation,
 * workspace, moderation, app); the composition root joins them and checks that every call has
 * exactly one handler. Each handler receives a context naming the acting member: today the
 * desktop's own member, tomorrow whoever a synced team workspace says acted.
 */
import { CALL_NAMES, type CallName, type CallOutput, type Handlers, type ParsedInput } from '../../../shared/contract';
import type { Member } from '../../../shared/model';

/** Who is acting, for one call. */
export interface RequestContext {
  member: Member;
}

/** A domain's handlers: a part of the contract's calls, each given the request context. */
export type DomainHandlers<N extends CallName = CallName> = {
  [K in N]: (input: ParsedInput<K>, ctx: RequestContext) => CallOutput<K> | Promise<CallOutput<K>>;
};

/**
 * Joins the domains into the contract's handler table, binding each call to the context of the
 * moment it is made. Throws when a call has no handler or two.
 */
export function joinHandlers(domains: readonly Partial<DomainHandlers>[], context: () => RequestContext): Handlers {
  const table: Partial<Record<CallName, (input: unknown, ctx: RequestContext) => unknown>> = {};
  for (const domain of domains) {
    for (const [name, handler] of Object.entries(domain) as [CallName, (input: unknown, ctx: RequestContext) => unknown][]) {
      if (table[name]) throw new Error(`Two handlers for ${name}`);
      table[name] = handler;
    }
  }
  const missing = CALL_NAMES.filter((name) => !table[name]);
  if (missing.length) throw new Error(`No handler for ${missing.join(', ')}`);
  const extra = Object.keys(table).filter((name) => !(CALL_NAMES as string[]).includes(name));
  if (extra.length) throw new Error(`Handlers for calls the contract does not have: ${extra.join(', ')}`);
  return Object.fromEntries(
    CALL_NAMES.map((name) => {
      const handler = table[name]!;
      return [name, (input: unknown) => handler(input, context())];
    }),
  ) as unknown as Handlers;
}
