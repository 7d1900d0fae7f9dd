/**
 * Notifications and the unread badge, against the electron stand-in and a real core: a notify
 * event shows a system notification whose click brings the window back (from the tray too) and
 * opens the conversation in the renderer; the count reaches the dock badge, the title and the tray.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { makeCore } from '../core/testing/core-fixture';
import { registerIpc } from './ipc';
import { wireNotifications } from './notifications';
import { createTray } from './tray';
import { shellStrings } from './shell-strings';
import * as e from './testing/electron-stand-in';

vi.mock('electron', async () => (await import('./testing/electron-stand-in')).electronModule);

const disposers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
  e.resetStandIn();
});

function setup(language: 'en' | 'fr' | 'system' = 'en', systemLocale = 'en-US') {
  const core = makeCore();
  disposers.push(() => core.dispose());
  const win = new e.StandInBrowserWindow({});
  void win.loadURL('app://parvis/index.html');
  let window: e.StandInBrowserWindow | null = win;
  const counts: number[] = [];
  const getWindow = () => window as never;
  registerIpc(core, getWindow);
  const stop = wireNotifications(core, {
    getWindow,
    showWindow: () => {
      window!.restore();
      window!.show();
      window!.focus();
      return window as never;
    },
    onUnreadCount: (n) => counts.push(n),
    shippedRuleName: (id) => shellStrings(language, systemLocale).shippedRuleName(id),
  });
  disposers.push(stop);
  return { core, win, counts, setWindow: (w: e.StandInBrowserWindow | null) => (window = w) };
}

const notify = { conversationId: 42, title: 'Camille Rousseau · Mastodon', body: 'Ma commande est arrivée cassée', reason: 'assigned' as const, unreadCount: 7 };

it('shows a notification while the window is away; its click brings the window back and opens the conversation', async () => {
  const { core, win, counts } = setup();
  win.hide();
  core.emit('notify', notify);
  expect(e.recorded.notifications).toHaveLength(1);
  const note = e.recorded.notifications[0]!;
  expect(note.options).toEqual({ title: notify.title, body: notify.body });
  expect(note.shown).toBe(true);
  expect(e.recorded.badgeCounts.at(-1)).toBe(7);
  expect(win.title).toBe('Parvis (7)');
  expect(counts.at(-1)).toBe(7);

  note.emit('click');
  expect(win.isVisible()).toBe(true);
  expect(win.isFocused()).toBe(true);
  expect(win.webContents.sent).toContainEqual({ channel: 'parvis:event:conversation.open', payload: { conversationId: 42 } });
});

it('leaves it to the renderer while the user is looking at the window', () => {
  const { core, win } = setup();
  win.show();
  win.focus();
  core.emit('notify', notify);
  expect(e.recorded.notifications).toHaveLength(0);
  // The renderer gets the event for its toast.
  expect(win.webContents.sent.map((s) => s.channel)).toContain('parvis:event:notify');
  expect(e.recorded.badgeCounts.at(-1)).toBe(7);
});

it('opens the conversation once a window created again has loaded its page', () => {
  const { core, win, setWindow } = setup();
  win.hide();
  core.emit('notify', notify);
  const fresh = new e.StandInBrowserWindow({});
  fresh.webContents.loading = true;
  setWindow(fresh);
  e.recorded.notifications[0]!.emit('click');
  expect(fresh.webContents.sent).toEqual([]);
  fresh.webContents.loading = false;
  fresh.webContents.emit('did-finish-load');
  expect(fresh.webContents.sent).toContainEqual({ channel: 'parvis:event:conversation.open', payload: { conversationId: 42 } });
});

it('recounts the unread conversations after inbox changes settle', async () => {
  const { core, counts } = setup();
  expect(counts).toEqual([0]);
  core.emit('inbox.changed', { reason: 'ingest' });
  await vi.waitFor(() => expect(counts).toEqual([0, 0]), { timeout: 2000 });
});

it('shows the unread count in the tray tooltip, in the user language', () => {
  const tray = createTray({ iconPath: '/icon.png', strings: shellStrings('system', 'en-GB'), onShow: () => {}, onQuit: () => {} });
  const standIn = e.recorded.trays.at(-1)!;
  expect(standIn.tooltip).toBe('Parvis');
  tray.setUnread(1);
  expect(standIn.tooltip).toBe('Parvis: 1 unread conversation');
  tray.setUnread(12);
  expect(standIn.tooltip).toBe('Parvis: 12 unread conversations');
  tray.setStrings(shellStrings('system', 'fr-FR'));
  expect(standIn.tooltip).toBe('Parvis\u202F: 12 conversations non lues');
});

it('names a shipped rule in the app’s language in a rule’s notification, and a rule the user renamed as they named it', () => {
  const { core, win } = setup('system', 'fr-FR');
  win.hide();
  const rule = { conversationId: 42, title: 'Camille Rousseau · Netiquette', author: 'Camille Rousseau', body: 'Ma commande', reason: 'view' as const, unreadCount: 1 };
  core.emit('notify', { ...rule, rule: { id: 'netiquette', name: 'Netiquette' } });
  core.emit('notify', { ...rule, title: 'Camille Rousseau · Insultes', rule: { id: 'netiquette', name: 'Insultes' } });
  core.emit('notify', { ...rule, title: 'Camille Rousseau · Netiquette', rule: { id: 'my-rule', name: 'Netiquette' } });
  expect(e.recorded.notifications.map((n) => n.options.title)).toEqual(['Camille Rousseau · Nétiquette', 'Camille Rousseau · Insultes', 'Camille Rousseau · Netiquette']);
});
