/**
 * Publishing, as a community manager does it: one post written once for Mastodon and Bluesky with
 * a Bluesky variant, checked as typed, scheduled for tomorrow, moved to today on the calendar by
 * keyboard, and published once on each server at its time with its permalink. Then a post due
 * while the network is cut goes out once when it is back, and one due while Parvis was closed
 * waits for a decision at start.
 */
import { expect, test, type Page } from '@playwright/test';
import { STATIC_DIR } from './fixtures';
import { typeDateTime } from './date-field';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, startNetworkedWebMode, startNetworks, startRelay, waitFor } from './networks/fixture';

function collectProblems(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

test('compose once for two networks with a variant, schedule, move it by keyboard on the calendar, and see it published once on each at its time', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectProblems(page);
  const networks = await startNetworks();
  const mode = await startNetworkedWebMode(networks, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
  try {
    const mastodon = await connectAccount(mode.core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
    const bluesky = await connectAccount(mode.core, { network: 'bluesky', fields: { server: networks.urls.bluesky, ...networks.blueskyLogin } });
    await page.goto(mode.url);
    await page.locator('[data-screen="compose"]').click();
    await expect(page.getByTestId('composer')).toBeVisible();

    const text = 'Atelier réparation samedi à 14 h, venez avec vos lampes !';
    const variant = 'Atelier réparation samedi 14 h 🛠️ #repaircafe';
    await page.getByTestId('compose-text').fill(text);
    // Both accounts are ticked for a new post; each shows its count as its network counts it.
    await expect(page.getByTestId(`counter-${mastodon.id}`)).toHaveText(`${[...text].length} / 500`);
    await expect(page.getByTestId(`preview-${mastodon.id}`)).toContainText(text);

    // Bluesky gets its own text; too long first: the reason shows before sending.
    await page.getByTestId(`variant-toggle-${bluesky.id}`).check();
    await page.getByTestId(`variant-${bluesky.id}`).fill('é'.repeat(301));
    await expect(page.getByTestId(`problems-${bluesky.id}`)).toContainText(/301 caractères\s:\sBluesky en autorise 300\./);
    await expect(page.getByTestId('schedule-post')).toBeDisabled();
    await page.getByTestId(`variant-${bluesky.id}`).fill(variant);
    await expect(page.getByTestId(`problems-${bluesky.id}`)).not.toContainText('caractères');
    await expect(page.getByTestId(`preview-${bluesky.id}`)).toContainText(variant);

    // Tomorrow, at the minute after next: the calendar will bring it back to today.
    const minute = 60_000;
    const today = Math.ceil((Date.now() + 90_000) / minute) * minute;
    await typeDateTime(page, 'compose-time', today + 86_400_000);
    await expect(page.getByTestId('save-state')).toHaveText('Brouillon enregistré');
    // Saved as typed: the core has the draft with the variant.
    const drafts = await callCore(mode.core, 'posts.list', {});
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.targets.map((t) => [t.accountId, t.textOverride, t.state]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [mastodon.id, null, 'draft'],
      [bluesky.id, variant, 'draft'],
    ].sort((a, b) => Number(a[0]) - Number(b[0])));

    await page.getByTestId('schedule-post').click();
    await expect(page.getByTestId('post-row').first()).toContainText('Programmée');

    // The calendar: each account's post is an event; Alt+← moves it back a day, to today.
    await page.getByTestId('open-calendar').click();
    await expect(page.getByTestId('calendar-screen')).toBeVisible();
    const postId = drafts[0]!.id;
    const targets = drafts[0]!.targets;
    for (const target of targets) {
      const event = page.locator(`[data-calendar-target="${target.id}"]`);
      await event.focus();
      await page.keyboard.press('Alt+ArrowLeft');
      await expect(page.getByTestId('calendar-status')).toContainText('Déplacée au');
      await expect(page.locator(`[data-calendar-target="${target.id}"]`)).toBeFocused();
    }
    const moved = await callCore(mode.core, 'posts.get', { postId });
    expect(moved.targets.map((t) => [t.scheduledAt, t.state])).toEqual([
      [today, 'scheduled'],
      [today, 'scheduled'],
    ]);

    // At its time, once on each server.
    const published = await waitFor(
      'both targets published',
      async () => {
        const post = await callCore(mode.core, 'posts.get', { postId });
        return post.targets.every((t) => t.state === 'published') ? post : null;
      },
      150_000,
      500,
    );
    const onMastodon = networks.mastodon.control.state().posted.filter((s) => s.text.includes('Atelier réparation'));
    const onBluesky = networks.bluesky.control.state().posts.filter((p) => p.text.includes('Atelier réparation'));
    expect(onMastodon).toHaveLength(1);
    expect(onBluesky.map((p) => p.text)).toEqual([variant]);
    for (const t of published.targets) expect(t.publishedAt!).toBeGreaterThanOrEqual(today - 1_000);

    // The composer shows each target published, with its permalink.
    await page.getByTestId('open-composer').click();
    await page.getByTestId('post-row').first().click();
    await expect(page.getByTestId('permalink')).toHaveCount(2);
    expect(await page.getByTestId('permalink').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(published.targets.map((t) => t.permalink));
    expect(errors).toEqual([]);
  } finally {
    await mode.close();
    await networks.stop();
  }
});

test('a post due while the network is cut goes out once when it is back; one due while Parvis was closed waits for a decision', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectProblems(page);
  const networks = await startNetworks();
  const relay = await startRelay(networks.urls.mastodon);
  const mode = await startNetworkedWebMode(networks, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
  try {
    const account = await connectAccount(mode.core, { network: 'mastodon', fields: { server: relay.url } });
    await relay.stop();
    const cut = await callCore(mode.core, 'posts.create', { text: 'Fermé lundi pour inventaire', targets: [{ accountId: account.id, scheduledAt: Date.now() + 1_000 }] });
    await callCore(mode.core, 'posts.schedule', { postId: cut.id });
    await waitFor('a failed attempt while cut', async () => (await callCore(mode.core, 'posts.get', { postId: cut.id })).targets[0]!.state === 'failed', 20_000, 100);
    expect(networks.mastodon.control.state().posted.filter((s) => s.text === 'Fermé lundi pour inventaire')).toHaveLength(0);
    await relay.start();
    // Back: the next poll finds the network, which wakes the publisher.
    await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
    await waitFor('the post published', async () => (await callCore(mode.core, 'posts.get', { postId: cut.id })).targets[0]!.state === 'published', 60_000, 200);
    expect(networks.mastodon.control.state().posted.filter((s) => s.text === 'Fermé lundi pour inventaire')).toHaveLength(1);

    // Parvis closed: the publisher is not running when the post comes due; at start it asks.
    const late = await callCore(mode.core, 'posts.create', { text: 'Soldes ce week-end', targets: [{ accountId: account.id, scheduledAt: Date.now() + 1_500 }] });
    mode.core.publisher!.stop();
    await callCore(mode.core, 'posts.schedule', { postId: late.id });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await mode.restart();
    await page.goto(mode.url);
    await page.locator('[data-screen="compose"]').click();
    const decision = page.getByTestId('decision');
    await expect(decision).toContainText('Soldes ce week-end');
    expect(networks.mastodon.control.state().posted.filter((s) => s.text === 'Soldes ce week-end')).toHaveLength(0);
    await decision.getByTestId('publish-now').click();
    await waitFor('the late post published', async () => (await callCore(mode.core, 'posts.get', { postId: late.id })).targets[0]!.state === 'published', 30_000, 200);
    expect(networks.mastodon.control.state().posted.filter((s) => s.text === 'Soldes ce week-end')).toHaveLength(1);
    await expect(decision).toHaveCount(0);
    expect(errors).toEqual([]);
  } finally {
    await mode.close();
    await relay.close();
    await networks.stop();
  }
});
