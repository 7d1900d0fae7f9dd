/** Saved replies through the IPC contract: created, edited and deleted with their language and networks. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeCore } from '../testing/core-fixture';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

describe('saved replies', () => {
  it('keep their language and networks through create, update, list and delete', async () => {
    core = makeCore();
    const h = core.handlers;
    const created = await h['savedReplies.create']({ name: 'Merci', text: 'Merci {firstName} !', language: 'fr', networks: ['youtube', 'mastodon', 'youtube'] });
    expect(created).toMatchObject({ name: 'Merci', text: 'Merci {firstName} !', language: 'fr', networks: ['mastodon', 'youtube'] });
    const anywhere = await h['savedReplies.create']({ name: 'Thanks', text: 'Thanks {firstName}!' });
    expect(anywhere).toMatchObject({ language: null, networks: [] });

    const edited = await h['savedReplies.update']({ id: created.id, name: 'Merci beaucoup', text: 'Merci beaucoup {firstName} !', language: 'en', networks: ['bluesky'] });
    expect(edited).toMatchObject({ id: created.id, name: 'Merci beaucoup', language: 'en', networks: ['bluesky'] });
    expect((await h['savedReplies.list']({})).map((r) => [r.name, r.language, r.networks])).toEqual([
      ['Merci beaucoup', 'en', ['bluesky']],
      ['Thanks', null, []],
    ]);

    await h['savedReplies.delete']({ id: created.id });
    expect((await h['savedReplies.list']({})).map((r) => r.name)).toEqual(['Thanks']);
    await expect(Promise.resolve().then(() => h['savedReplies.delete']({ id: created.id }))).rejects.toThrow(/not found/);
  });
});
