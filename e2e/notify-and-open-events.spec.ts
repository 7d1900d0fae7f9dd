/**
 * The core's events in the window: `notify` shows a toast that opens the conversation, and, once
 * browser notifications are switched on in the settings (web mode), a browser notification too;
 * `conversation.open` (a desktop notification clicked) shows the conversation from any screen.
 */
import { expect, test } from './fixtures';

test('notify shows a toast and a browser notification once allowed; conversation.open shows the conversation', async ({ app: page, parvis }) => {
  // A recording stand-in for the browser's Notification, already allowed by the user.
  // (Written for the page: this file is type-checked without the DOM library.)
  await page.addInitScript(() => {
    type Permission = 'default' | 'granted' | 'denied';
    const shown: { title: string; body: string | undefined }[] = [];
    class RecordingNotification {
      static permission: Permission = 'default';
      static requestPermission(): Promise<Permission> {
        RecordingNotification.permission = 'granted';
        return Promise.resolve('granted');
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
      }
      close(): void {}
    }
    Object.assign(globalThis, { Notification: RecordingNotification, shownNotifications: shown });
  });
  await page.reload();
  const list = page.getByTestId('conversation-list');
  await expect(list).toBeFocused();
  const [first, second] = (await parvis.core.handlers['inbox.list']({ filter: { status: ['open'], held: false }, limit: 2 })).items;

  await page.keyboard.press('Control+,');
  const toggle = page.getByTestId('browser-notifications');
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeChecked();
  await page.keyboard.press('Escape');

  parvis.core.emit('notify', { conversationId: second!.id, title: 'Camille Rousseau · YouTube', body: 'Ma commande est arrivée cassée', reason: 'assigned', unreadCount: 3 });
  const toast = page.locator('.toast', { hasText: 'Ma commande est arrivée cassée' });
  await expect(toast).toContainText('Camille Rousseau · YouTube');
  expect(await page.evaluate(() => (globalThis as unknown as { shownNotifications: unknown[] }).shownNotifications)).toEqual([
    { title: 'Camille Rousseau · YouTube', body: 'Ma commande est arrivée cassée' },
  ]);
  await expect(page).toHaveTitle('(3) Parvis');
  await toast.getByRole('button', { name: 'Ouvrir' }).click();
  await expect(page.getByTestId('thread')).toBeFocused();
  await expect(list).toHaveAttribute('aria-activedescendant', `conversation-row-${second!.id}`);

  // From another screen, a clicked desktop notification brings the conversation back.
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await expect(page.getByRole('heading', { level: 1, name: 'Journal de modération' })).toBeVisible();
  parvis.core.emit('conversation.open', { conversationId: first!.id });
  await expect(page.getByTestId('thread')).toBeFocused();
  await expect(list).toHaveAttribute('aria-activedescendant', `conversation-row-${first!.id}`);
});
