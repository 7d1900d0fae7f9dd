/** Account labels: set, shown in the list, cleared back to the network's name; a sync keeps them. */
import { afterEach, describe, expect, it } from 'vitest';
import { addAccount, makeCore } from '../testing/core-fixture';

let core: ReturnType<typeof makeCore>;
afterEach(async () => core?.dispose());

describe('accounts.setLabel', () => {
  it('names an account in Parvis until cleared, and a new sign-in keeps the name', async () => {
    core = makeCore();
    const a = addAccount(core, 'mastodon');
    const b = addAccount(core, 'youtube');
    expect((await core.handlers['accounts.list']({})).map((x) => x.label)).toEqual([null, null]);

    const renamed = await core.handlers['accounts.setLabel']({ accountId: a.id, label: '  Lumen · Mastodon FR ' });
    expect(renamed).toMatchObject({ id: a.id, label: 'Lumen · Mastodon FR', displayName: 'Brand' });
    expect((await core.handlers['accounts.list']({})).find((x) => x.id === b.id)?.label).toBeNull();

    // Signing in again (the network's display name may change) keeps the user's label.
    addAccount(core, 'mastodon');
    expect((await core.handlers['accounts.list']({})).find((x) => x.id === a.id)?.label).toBe('Lumen · Mastodon FR');

    await core.handlers['accounts.setLabel']({ accountId: a.id, label: '   ' });
    expect((await core.handlers['accounts.list']({})).find((x) => x.id === a.id)?.label).toBeNull();
    await expect(Promise.resolve().then(() => core.handlers['accounts.setLabel']({ accountId: 9999, label: 'x' }))).rejects.toThrow(/not found/);
  });
});
