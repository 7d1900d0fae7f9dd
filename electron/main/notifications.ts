/**
 * Desktop notifications and the unread count (dock/taskbar badge, window title, tray), from the
 * core's `notify` and `inbox.changed` events. Clicking a notification brings the window back (from
 * the tray too) and tells the renderer to open its conversation.
 */
import { app, Notification, type BrowserWindow } from 'electron';
import type { EventPayload } from '../../shared/contract';
import type { ShippedRuleId } from '../../shared/moderation';
import { notificationTitle } from '../../shared/notifyTitle';
import type { Core } from '../core/app';

export interface NotificationWiring {
  getWindow(): BrowserWindow | null;
  /** Shows, restores and focuses the main window, creating it again if it was closed. */
  showWindow(): BrowserWindow;
  /** Every new unread count (the tray shows it). */
  onUnreadCount?(count: number): void;
  /** A shipped rule's name in the language the app shows (a rule's notification names it). */
  shippedRuleName?(id: ShippedRuleId): string;
}

export function wireNotifications(core: Core, wiring: NotificationWiring): () => void {
  let pending: NodeJS.Timeout | null = null;
  const showCount = (count: number) => {
    // The dock on macOS, the launcher on Linux (Unity API); Windows has no numeric badge: the tray
    // tooltip and the window title carry the count there.
    app.setBadgeCount(count);
    const win = wiring.getWindow();
    if (win && !win.isDestroyed()) win.setTitle(count > 0 ? `Parvis (${count})` : 'Parvis');
    wiring.onUnreadCount?.(count);
  };
  showCount(core.notifier.unreadCount());
  const off = core.onEvent((name, payload) => {
    if (name === 'inbox.changed') {
      // Many changes arrive together (a synced page, a bulk action): count once they settle.
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => showCount(core.notifier.unreadCount()), 250);
      return;
    }
    if (name !== 'notify') return;
    const n = payload as EventPayload<'notify'>;
    showCount(n.unreadCount);
    const win = wiring.getWindow();
    // The renderer shows its own toast when the window has focus.
    if (!Notification.isSupported() || (win && !win.isDestroyed() && win.isVisible() && win.isFocused())) return;
    const title = wiring.shippedRuleName ? notificationTitle(n, wiring.shippedRuleName) : n.title;
    const note = new Notification({ title, body: n.body });
    note.on('click', () => {
      const shown = wiring.showWindow();
      const open = () => core.emit('conversation.open', { conversationId: n.conversationId });
      // A window created again (macOS, after it was closed) hears events once its page has loaded.
      if (shown.webContents.isLoading()) shown.webContents.once('did-finish-load', open);
      else open();
    });
    note.show();
  });
  return () => {
    if (pending) clearTimeout(pending);
    off();
  };
}
