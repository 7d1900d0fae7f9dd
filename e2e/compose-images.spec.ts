/**
 * Images in a post, as a community manager adds them: picked and dropped into the composer,
 * reordered and removed, alt text asked for each (scheduling stays blocked until it is there,
 * with the reason shown), shown in each network's preview, and published once on Mastodon and on
 * Bluesky with the image and its alt text.
 */
import { expect, test, type Page } from '@playwright/test';
import { makePng } from '../electron/core/media/test-images';
import { STATIC_DIR } from './fixtures';
import { typeDateTime } from './date-field';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, startNetworkedWebMode, startNetworks, waitFor } from './networks/fixture';

/** Drops a file on an element as a drag from the file manager does. */
async function dropFile(page: Page, selector: string, name: string, bytes: Buffer): Promise<void> {
  await page.evaluate(
    ({ selector, name, data }) => {
      // The browser's DOM (this file compiles without the DOM library).
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        DragEvent: new (type: string, init: Record<string, unknown>) => unknown;
        document: { querySelector(s: string): { dispatchEvent(e: unknown): void } | null };
      };
      const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type: 'image/png' });
      const transfer = new dom.DataTransfer();
      transfer.items.add(file);
      const target = dom.document.querySelector(selector)!;
      target.dispatchEvent(new dom.DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      target.dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { selector, name, data: bytes.toString('base64') },
  );
}

test('compose one post with an image for Mastodon and Bluesky, alt text asked, scheduled, published once on each with the image and its alt text', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  const networks = await startNetworks();
  const mode = await startNetworkedWebMode(networks, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
  try {
    const mastodon = await connectAccount(mode.core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
    const bluesky = await connectAccount(mode.core, { network: 'bluesky', fields: { server: networks.urls.bluesky, ...networks.blueskyLogin } });
    await page.goto(mode.url);
    await page.locator('[data-screen="compose"]').click();
    await expect(page.getByTestId('composer')).toBeVisible();

    const text = 'La vitrine d’hiver est prête ❄️';
    const variant = 'Vitrine d’hiver ❄️ #boutique';
    await page.getByTestId('compose-text').fill(text);
    await page.getByTestId(`variant-toggle-${bluesky.id}`).check();
    await page.getByTestId(`variant-${bluesky.id}`).fill(variant);

    // One image picked (over 1 MB, under Bluesky's 2,000,000 bytes), one dropped.
    const shop = makePng(1200, 800, [200, 80, 40], 1_100_000);
    await page.getByTestId('compose-image-input').setInputFiles({ name: 'vitrine.png', mimeType: 'image/png', buffer: shop });
    await expect(page.getByTestId('image-0').locator('img')).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
    await dropFile(page, '[data-testid="compose-images"]', 'logo.png', makePng(400, 400, [20, 80, 200]));
    await expect(page.getByTestId('image-1')).toBeVisible();
    // Reordered: the logo first; then removed.
    await page.getByTestId('image-up-1').click();
    await expect(page.getByTestId('image-up-0')).toBeDisabled();
    await page.getByTestId('image-remove-0').click();
    await expect(page.getByTestId('image-1')).toHaveCount(0);

    // Alt text is asked for: the reason shows on each account and scheduling waits for it.
    const minute = 60_000;
    const at = Math.ceil((Date.now() + 75_000) / minute) * minute;
    await typeDateTime(page, 'compose-time', at);
    for (const account of [mastodon, bluesky]) {
      await expect(page.getByTestId(`problems-${account.id}`)).toContainText('L’image 1 n’a pas de texte alternatif');
    }
    await expect(page.getByTestId('schedule-post')).toBeDisabled();
    const alt = 'La vitrine de la boutique, décorée de guirlandes pour l’hiver';
    await page.getByTestId('alt-0').fill(alt);
    await expect(page.getByTestId(`problems-${mastodon.id}`)).not.toContainText('texte alternatif');
    // The preview of each network shows the image, described by its alt text.
    for (const account of [mastodon, bluesky]) await expect(page.getByTestId(`preview-image-${account.id}`)).toHaveAttribute('alt', alt);
    await expect(page.getByTestId('save-state')).toHaveText('Brouillon enregistré');

    await page.getByTestId('schedule-post').click();
    await expect(page.getByTestId('post-row').first()).toContainText('Programmée');
    const [post] = await callCore(mode.core, 'posts.list', {});
    expect(post!.media).toHaveLength(1);

    const published = await waitFor(
      'both targets published',
      async () => {
        const p = await callCore(mode.core, 'posts.get', { postId: post!.id });
        return p.targets.every((t) => t.state === 'published') ? p : null;
      },
      180_000,
      500,
    );
    expect(published.targets.every((t) => t.permalink)).toBe(true);
    const onMastodon = networks.mastodon.control.state().posted.filter((s) => s.text === text);
    expect(onMastodon).toHaveLength(1);
    expect(onMastodon[0]!.media).toEqual([{ id: expect.any(String), mime: 'image/png', description: alt }]);
    const onBluesky = networks.bluesky.control.state().posts.filter((p) => p.text.startsWith('Vitrine d’hiver'));
    expect(onBluesky).toHaveLength(1);
    expect(onBluesky[0]!.embed).toMatchObject({ $type: 'app.bsky.embed.images', images: [{ alt, aspectRatio: { width: 1200, height: 800 }, image: { mimeType: 'image/png', size: shop.length } }] });
    expect(errors).toEqual([]);
  } finally {
    await mode.close();
    await networks.stop();
  }
});
