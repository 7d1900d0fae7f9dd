/** Contests: the posts to run them on, their entrants, verifiable draws and their certificates. */
import { createContestService } from '../contests/service';
import { verifyCertificate } from '../contests/draw';
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

type ContestCalls = 'contests.posts' | 'contests.preview' | 'contests.create' | 'contests.list' | 'contests.draw' | 'contests.redraw' | 'contests.verify';

export function contestHandlers(s: CoreServices): DomainHandlers<ContestCalls> {
  const contests = createContestService(s.db, s.now, (network) => s.knownDescriptors.find((d) => d.id === network)?.contestRules?.tagToEnter === 'forbidden');
  return {
    'contests.posts': () => contests.posts(),
    'contests.preview': (input) => contests.preview(input),
    'contests.create': (input) => contests.create(input),
    'contests.list': () => contests.list(),
    'contests.draw': ({ contestId }, ctx) => contests.draw(contestId, { id: ctx.member.id, name: ctx.member.name }),
    'contests.redraw': ({ contestId, reason }, ctx) => contests.redraw(contestId, reason, { id: ctx.member.id, name: ctx.member.name }),
    'contests.verify': ({ certificate }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(certificate);
      } catch {
        return { ok: false, problems: ['malformed' as const] };
      }
      return verifyCertificate(parsed);
    },
  };
}
