import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContestFilters } from '../../../shared/contest';
import { addAccount, item, makeCore } from '../testing/core-fixture';
import { containsTerm, mentionsIn } from './service';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

const post = { remoteId: 'post-1', text: 'Grand concours : gagnez une lampe !', url: 'https://mastodon.example/@brand/1' };
const person = (id: string) => ({ remoteId: id, handle: `@${id}@piaille.fr`, name: id.toUpperCase() });

function seed() {
  core = makeCore();
  const acc = addAccount(core);
  const yt = addAccount(core, 'youtube');
  const items = [
    item({ remoteId: 'c1', threadRemoteId: 'c1', author: person('ana'), text: 'Je participe ! #concours @lea', context: post }),
    item({ remoteId: 'c2', threadRemoteId: 'c2', author: person('ana'), text: 'Encore moi #concours @lea', context: post }),
    item({ remoteId: 'c3', threadRemoteId: 'c3', author: person('bob'), text: 'Moi aussi #Concours @zoe', context: post }),
    item({ remoteId: 'c4', threadRemoteId: 'c4', author: person('cyd'), text: 'sans mot-clé @zoe', context: post }),
    item({ remoteId: 'c5', threadRemoteId: 'c5', author: { remoteId: 'me-mastodon', handle: '@brand@mastodon', name: 'Brand' }, direction: 'in', text: '#concours de la marque', context: post }),
    item({ remoteId: 'c6', threadRemoteId: 'c6', author: person('dan'), text: '#concours mais bloqué', context: post }),
    item({ remoteId: 'c7', threadRemoteId: 'c7', author: person('eve'), text: '#concours sans mention', context: post }),
    item({ remoteId: 'x1', threadRemoteId: 'x1', author: person('fay'), text: '#concours ailleurs', context: { remoteId: 'post-2', text: 'Autre post' } }),
  ];
  core.ingest(acc.id, { items, cursor: null });
  core.ingest(yt.id, { items: [item({ remoteId: 'y1', threadRemoteId: 'y1', author: person('gus'), text: 'Je tente ma chance #concours @ami', context: { remoteId: 'video-9', text: 'Vidéo concours' } })], cursor: null });
  core.db.prepare("UPDATE authors SET blocked = 1 WHERE remote_id = 'dan'").run();
  return { acc, yt };
}

describe('contests', () => {
  it('matches whole words and hashtags without case or accents, and counts distinct mentions', () => {
    expect(containsTerm('Je participe au #Concours !', '#concours')).toBe(true);
    expect(containsTerm('Je participe au concours', '#concours')).toBe(false);
    expect(containsTerm('Été lumineux', 'ete')).toBe(true);
    expect(containsTerm('les lampes', 'lampe')).toBe(false);
    expect(mentionsIn('@lea et @Lea et @zoe@piaille.fr, mail a@b.fr')).toBe(2);
  });

  it('lists the commented posts and keeps the entrants the filters allow', async () => {
    const { acc, yt } = seed();
    const posts = await core.handlers['contests.posts']({});
    expect(posts.map((p) => [p.accountId, p.postKey])).toEqual(expect.arrayContaining([[acc.id, 'post-1'], [acc.id, 'post-2'], [yt.id, 'video-9']]));
    const preview = await core.handlers['contests.preview']({
      posts: [{ accountId: acc.id, postKey: 'post-1' }, { accountId: yt.id, postKey: 'video-9' }],
      filters: ContestFilters.parse({ mustContain: ['#concours'], minMentions: 1 }),
    });
    expect(preview.entrants.map((e) => e.entryId)).toEqual(['c1', 'c3', 'y1']);
    expect(preview.excluded).toEqual({ period: 0, brand: 1, blocked: 1, earlierWinners: 0, mustContain: 1, mentions: 1, duplicates: 1 });
    expect(preview.warnings).toEqual([]);
  });

  it('warns that Facebook forbids "tag a friend to enter"', async () => {
    core = makeCore();
    const fb = core.accounts.upsert({ network: 'facebook', serverUrl: 'https://graph.facebook.com', remoteId: 'page', handle: 'Brand', displayName: 'Brand' });
    core.ingest(fb.id, { items: [item({ remoteId: 'f1', threadRemoteId: 'f1', text: '@ami', context: { remoteId: 'p', text: 'Concours' } })], cursor: null });
    const filters = ContestFilters.parse({ minMentions: 1 });
    expect((await core.handlers['contests.preview']({ posts: [{ accountId: fb.id, postKey: 'p' }], filters })).warnings).toEqual(['facebook-tag-a-friend']);
    expect((await core.handlers['contests.preview']({ posts: [{ accountId: fb.id, postKey: 'p' }], filters: ContestFilters.parse({}) })).warnings).toEqual([]);
  });

  it('draws winners with a certificate that verify-draw confirms, refuses tampered, and logs every draw', async () => {
    const { acc, yt } = seed();
    const contest = await core.handlers['contests.create']({
      name: 'Lampe Dune',
      posts: [{ accountId: acc.id, postKey: 'post-1' }, { accountId: yt.id, postKey: 'video-9' }],
      filters: ContestFilters.parse({ mustContain: ['#concours'] }),
      winners: 2,
      alternates: 1,
    });
    const drawn = await core.handlers['contests.draw']({ contestId: contest.id });
    const first = drawn.draws[0]!.certificate;
    expect(first.entrants.map((e) => e.entryId)).toEqual(['c1', 'c3', 'c7', 'y1']);
    expect(first.winners).toHaveLength(2);
    expect(first.alternates).toHaveLength(1);
    expect(drawn.draws[0]!.winnerConversations.every((id) => typeof id === 'number')).toBe(true);
    expect(await core.handlers['contests.verify']({ certificate: JSON.stringify(first) })).toEqual({ ok: true, problems: [] });

    // A second draw without a reason is refused; a redraw keeps the first and says why.
    await expect(async () => core.handlers['contests.draw']({ contestId: contest.id })).rejects.toThrow(/redraw/);
    const again = await core.handlers['contests.redraw']({ contestId: contest.id, reason: 'Winner did not answer in 7 days' });
    expect(again.draws).toHaveLength(2);
    expect(again.draws[0]!.certificate).toEqual(first);
    expect(again.draws[1]!.certificate.redraw).toEqual({ previousDrawId: first.drawId, reason: 'Winner did not answer in 7 days' });
    const audit = await core.handlers['audit.list']({ limit: 10 });
    expect(audit.items.map((e) => e.action)).toEqual(['contest-redraw', 'contest-draw']);
    expect(audit.items[1]!.target).toContain(first.entrantsSha256);

    // Tampering: a winner swapped, an entrant removed (hash stale), an entrant added with a fixed hash.
    const swapped = { ...first, winners: [first.alternates[0]!, first.winners[1]!] };
    expect((await core.handlers['contests.verify']({ certificate: JSON.stringify(swapped) })).problems).toContain('winners');
    const fewer = { ...first, entrants: first.entrants.slice(1), entrantCount: first.entrantCount - 1 };
    expect((await core.handlers['contests.verify']({ certificate: JSON.stringify(fewer) })).problems).toContain('entrants-hash');
    expect((await core.handlers['contests.verify']({ certificate: '{not json' })).problems).toEqual(['malformed']);

    // The command line gives the same answers.
    const good = join(core.dataDir, 'cert.json');
    const bad = join(core.dataDir, 'tampered.json');
    writeFileSync(good, JSON.stringify(first, null, 2));
    writeFileSync(bad, JSON.stringify({ ...first, seed: 'f'.repeat(64) }, null, 2));
    const out = execFileSync('npx', ['tsx', 'scripts/verify-draw.ts', good], { encoding: 'utf8' });
    expect(out).toContain('CONFIRMED');
    let refused = '';
    try {
      execFileSync('npx', ['tsx', 'scripts/verify-draw.ts', bad], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      refused = String((err as { stderr: string }).stderr);
      expect((err as { status: number }).status).toBe(1);
    }
    expect(refused).toContain('REFUSED');
  }, 90_000);

  it('leaves out earlier winners in the next contest', async () => {
    const { acc } = seed();
    const one = await core.handlers['contests.create']({ name: 'A', posts: [{ accountId: acc.id, postKey: 'post-1' }], filters: ContestFilters.parse({}), winners: 5, alternates: 0 });
    const won = (await core.handlers['contests.draw']({ contestId: one.id })).draws[0]!.certificate.winners.map((w) => w.authorId);
    expect(won.length).toBeGreaterThan(0);
    const two = await core.handlers['contests.preview']({ posts: [{ accountId: acc.id, postKey: 'post-1' }, { accountId: acc.id, postKey: 'post-2' }], filters: ContestFilters.parse({}) });
    expect(two.entrants.map((e) => e.authorId)).toEqual(['fay']);
    // Entries are counted: ana won and had written twice.
    expect(won).toHaveLength(4);
    expect(two.excluded.earlierWinners).toBe(5);
  });
});
