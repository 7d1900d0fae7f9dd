import { describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../../shared/contract';
import type { Member } from '../../../shared/model';
import { joinHandlers, type DomainHandlers } from './context';

const member = (id: number, name: string): Member => ({ id, name, isMe: id === 1 }) as Member;

/** One handler per call that answers the acting member's name. */
function everyCall(): Partial<DomainHandlers> {
  return Object.fromEntries(CALL_NAMES.map((name) => [name, (_input: unknown, ctx: { member: Member }) => ctx.member.name])) as Partial<DomainHandlers>;
}

describe('joinHandlers', () => {
  it('gives every call the context of the moment it is made', async () => {
    let acting = member(1, 'Alex');
    const handlers = joinHandlers([everyCall()], () => ({ member: acting }));
    expect(await (handlers['conversation.addNote'] as unknown as (i: unknown) => unknown)({})).toBe('Alex');
    acting = member(2, 'Léa');
    expect(await (handlers['moderation.act'] as unknown as (i: unknown) => unknown)({})).toBe('Léa');
  });

  it('refuses a call without a handler, a call handled twice, and a handler for no call', () => {
    const all = everyCall();
    const { 'inbox.list': _dropped, ...withoutOne } = all;
    expect(() => joinHandlers([withoutOne], () => ({ member: member(1, 'A') }))).toThrow(/No handler for inbox.list/);
    expect(() => joinHandlers([all, { 'inbox.list': all['inbox.list'] }], () => ({ member: member(1, 'A') }))).toThrow(/Two handlers for inbox.list/);
    expect(() => joinHandlers([all, { 'no.such': () => 1 } as never], () => ({ member: member(1, 'A') }))).toThrow(/calls the contract does not have: no.such/);
  });
});
