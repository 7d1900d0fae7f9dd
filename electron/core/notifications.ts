/**
 * Which new messages deserve a desktop notification: incoming messages in conversations assigned
 * to me, or matching a view the user follows (settings.followedViewIds). Muted while notifications
 * are off. The shell (Electron's Notification, or the browser's in web mode) shows them.
 */
import type { NotifyEvent } from '../../shared/contract';
import type { Settings } from '../../shared/model';
import type { Db } from './db/connection';
import { filterWhere } from './db/inbox';
import type { WorkspaceQueries } from './db/workspace';

interface NewMessageRow {
  conversation_id: number;
  text: string;
  assignee_id: number | null;
  network: string;
  author_name: string | null;
}

/** `networkName` gives a network's own name (from its descriptor) for the notification's title. */
export function createNotifier(db: Db, workspace: WorkspaceQueries, settings: () => Settings, networkName: (network: string) => string = (n) => n) {
  // From the kept counts (migration 0280): the same figure without reading every unread conversation.
  const unread = db.prepare<[], { n: number }>(
    `SELECT coalesce(sum(n), 0) AS n FROM conversation_counts WHERE tag_id = 0 AND unread = 1 AND status IN ('open', 'pending')`,
  );
  return {
    unreadCount: () => unread.get()!.n,
    /** The notifications for these freshly ingested messages (one per conversation). */
    forNewMessages(messageIds: readonly number[]): NotifyEvent[] {
      const s = settings();
      if (!s.notifications || messageIds.length === 0) return [];
      const me = workspace.members.list().find((m) => m.isMe);
      const rows = db
        .prepare<number[], NewMessageRow>(`
          SELECT m.conversation_id, m.text, c.assignee_id, c.network, a.name AS author_name
          FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN authors a ON a.id = m.author_id
          WHERE m.id IN (${messageIds.map(() => '?').join(',')}) AND m.direction = 'in' AND c.status IN ('open', 'pending')
          ORDER BY m.created_at`)
        .all(...messageIds);
      if (rows.length === 0) return [];
      const conversationIds = [...new Set(rows.map((r) => r.conversation_id))];
      const inFollowedView = new Set<number>();
      const views = workspace.views.list().filter((v) => s.followedViewIds.includes(v.id));
      for (const view of views) {
        const where = filterWhere(view.filter);
        where.sql.push(`c.id IN (${conversationIds.map(() => '?').join(',')})`);
        const ids = db
          .prepare<unknown[], { id: number }>(`SELECT c.id FROM conversations c WHERE ${where.sql.join(' AND ')}`)
          .all(...where.params, ...conversationIds);
        for (const { id } of ids) inFollowedView.add(id);
      }
      const count = unread.get()!.n;
      const seen = new Set<number>();
      const out: NotifyEvent[] = [];
      for (const r of rows.reverse()) {
        if (seen.has(r.conversation_id)) continue;
        seen.add(r.conversation_id);
        const assigned = me !== undefined && r.assignee_id === me.id;
        if (!assigned && !inFollowedView.has(r.conversation_id)) continue;
        const text = r.text.replace(/\s+/g, ' ').trim();
        out.push({
          conversationId: r.conversation_id,
          title: `${r.author_name ?? '?'} · ${networkName(r.network)}`,
          body: text.length > 140 ? `${text.slice(0, 139)}…` : text,
          reason: assigned ? 'assigned' : 'view',
          unreadCount: count,
        });
      }
      return out;
    },
  };
}
