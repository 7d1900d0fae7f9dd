/**
 * Desktop notifications and the unread count on the window (dock/taskbar badge and title), from the
 * core's `notify` and `inbox.changed` events. Clicking a notification shows its conversation.
 */
import { app, Notification, type BrowserWindow } from 'electron';
import type { Core } from '../core/app';

export function wireNotifications(core: Core, getWindow: () => BrowserWindow | null): void {
  let pending: NodeJS.Timeout | null = null;
  const showCount = (count: number) => {
    app.setBadgeCount(count);
    const win = getWindow();
    if (win && !win.isDestroyed()) win.setTitle(count > 0 ? `Parvis (${count})` : 'Parvis');
  };
  showCount(core.notifier.unreadCount());
  core.onEvent((name, payload) => {
    if (name === 'inbox.changed') {
      // Many changes arrive together (a synced page, a bulk action): count once they settle.
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => showCount(core.notifier.unreadCount()), 250);
      return;
    }
    if (name !== 'notify' || !Notification.isSupported()) return;
    const n = payload as { conversationId: number; title: string; body: string };
    const win = getWindow();
    if (win?.isFocused()) return;
    const note = new Notification({ title: n.title, body: n.body });
    note.on('click', () => {
      const w = getWindow();
      if (!w || w.isDestroyed()) return;
      if (w.isMinimized()) w.restore();
      w.show();
      w.focus();
      core.emit('conversation.open', { conversationId: n.conversationId });
    });
    note.show();
  });
}
