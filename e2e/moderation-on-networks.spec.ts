/**
 * Moderation reaching the networks (local servers, real connectors): an insulting French comment on
 * YouTube is held by the shipped netiquette rule within one poll and shows in the review queue with
 * the word marked; `h` rejects it on YouTube, `b` rejects and bans the author; a Bluesky reply hidden
 * from Parvis lands in the threadgate's hiddenReplies; a Mastodon author blocked from Parvis is
 * blocked on the server.
 */
import { expect, type Page } from '@playwright/test';
import { networkedTest } from './networked-test';
import { callCore, connectAccount, waitFor, type NetworkedWebMode } from './networks/fixture';

const test = networkedTest;

const list = (page: Page) => page.getByTestId('conversation-list');

/** Connects, lets the first poll read the (empty) recent history, and returns the account id. */
async function connect(mode: NetworkedWebMode, request: Parameters<typeof connectAccount>[1]): Promise<number> {
  const account = await connectAccount(mode.core, request);
  await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
  return account.id;
}

/**
 * How many conversations wait for review now. Other specs of the worker may have left messages on
 * the same local networks, insults among them, which the first poll of a new profile holds too.
 */
async function heldNow(page: Page): Promise<number> {
  await page.reload();
  await expect(page.locator('[data-view="held"]')).toBeVisible();
  return Number((await page.locator('[data-view="held"] .count').textContent())?.trim() || '0');
}

/**
 * Everything insulting that arrived is held (`added` more than before), none of it in the inbox,
 * then the review queue opens.
 */
async function openReviewQueue(page: Page, before: number, added: number, insults: RegExp): Promise<void> {
  await expect(page.locator('[data-view="held"] .count')).toHaveText(String(before + added), { timeout: 20_000 });
  await expect(list(page).getByRole('option', { name: insults })).toHaveCount(0);
  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await expect(page.locator('[data-view="held"]')).toHaveAttribute('aria-current', 'page');
}

test('YouTube: an insult is held within one poll, marked, then rejected with h and banned with b', async ({ app: page, mode, networks }) => {
  const accountId = await connect(mode, { network: 'youtube' });
  const before = await heldNow(page);
  const bansBefore = networks.youtube.control.bannedAuthors.length;
  const insult = networks.youtube.control.addThread({ text: 'Service nul, bande de connards !', author: { name: 'Rageur', channelId: 'UCrageur' } });
  const second = networks.youtube.control.addThread({ text: 'Espèce de salope, rendez-moi mon argent', author: { name: 'Troll', channelId: 'UCtroll' } });
  // Within one poll: the next one the scheduler runs (asked now rather than waiting 15 s).
  await callCore(mode.core, 'accounts.pollNow', { accountId });
  await page.reload();
  await openReviewQueue(page, before, 2, /connards|salope/i);
  // The held item under the cursor opens by itself, its matched word marked in the text.
  const thread = page.getByTestId('thread');
  await expect(thread.locator('mark').first()).toBeVisible();
  const marked = (await thread.locator('mark').allTextContents()).join(' ').toLowerCase();
  expect(marked).toMatch(/connards|salope/);
  const firstIsInsult = marked.includes('connards');

  await page.keyboard.press('h');
  const hidden = firstIsInsult ? insult.id : second.id;
  const rejected = await waitFor('setModerationStatus rejected on YouTube', () =>
    networks.youtube.control.moderationCalls.find((c) => c.ids.includes(hidden) && c.moderationStatus === 'rejected'),
  10_000);
  expect(rejected.banAuthor).toBe(false);

  // Focus moved to the next held item: ban its author.
  await expect(thread.locator('mark').first()).toBeVisible();
  await page.keyboard.press('b');
  const banned = firstIsInsult ? second.id : insult.id;
  const ban = await waitFor('setModerationStatus rejected + banAuthor on YouTube', () =>
    networks.youtube.control.moderationCalls.find((c) => c.ids.includes(banned) && c.banAuthor === true),
  10_000);
  expect(ban.moderationStatus).toBe('rejected');
  expect(networks.youtube.control.bannedAuthors.length).toBe(bansBefore + 1);
  await expect(page.locator('[data-view="held"] .count')).toHaveText(before === 0 ? /^0?$/ : String(before));
});

test('Bluesky: a reply hidden from Parvis is in the threadgate’s hiddenReplies', async ({ app: page, mode, networks }) => {
  const accountId = await connect(mode, { network: 'bluesky', fields: { ...networks.blueskyLogin, server: networks.urls.bluesky } });
  const before = await heldNow(page);
  const post = networks.bluesky.control.addOwnPost('Notre nouvelle lampe est arrivée !');
  const reply = networks.bluesky.control.addReply(post.uri, { from: 'bob.test', text: 'Quelle bande de connards, cette marque' });
  await callCore(mode.core, 'accounts.pollNow', { accountId });
  await page.reload();
  await openReviewQueue(page, before, 1, /connards/i);
  await expect(page.getByTestId('thread').locator('mark').first()).toHaveText(/connards/i);
  await page.keyboard.press('h');
  const gate = await waitFor('the threadgate hiding the reply', () =>
    networks.bluesky.control.state().threadgates.find((g) => g.post === post.uri && g.hiddenReplies.includes(reply.uri)),
  10_000);
  expect(gate.hiddenReplies).toEqual([reply.uri]);
});

test('Mastodon: an author blocked from the message menu is blocked on the server', async ({ app: page, mode, networks }) => {
  const accountId = await connect(mode, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
  networks.mastodon.control.addMention({ from: 'spammeur', text: 'Achetez des abonnés pas chers sur promo.example' });
  await callCore(mode.core, 'accounts.pollNow', { accountId });
  await page.reload();

  await expect(list(page).getByRole('option', { name: /abonnés pas chers/ })).toBeVisible();
  await expect(list(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('thread')).toBeFocused();
  await page.keyboard.press('m');
  const menu = page.getByTestId('moderation-menu');
  await expect(menu).toBeVisible();
  const block = menu.getByRole('menuitem', { name: 'Bloquer l’auteur' });
  await expect(block).toBeEnabled();
  // The menu is a keyboard menu: walk down to "block" and press Enter.
  for (let i = 0; i < 12 && !(await block.evaluate((el) => el === el.ownerDocument.activeElement)); i += 1) await page.keyboard.press('ArrowDown');
  await expect(block).toBeFocused();
  await page.keyboard.press('Enter');
  const spammer = await waitFor('the spammer blocked on Mastodon', () => {
    const state = networks.mastodon.control.state();
    return state.blocks.length > 0 ? state.blocks : null;
  }, 10_000);
  expect(spammer).toHaveLength(1);
});
