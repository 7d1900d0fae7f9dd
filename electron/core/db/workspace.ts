/**
 * The team's own data: tags, members, drafts, saved replies, saved views, notes on authors.
 */
import type { InboxFilter, ReplyLanguage, SavedReply, SavedView } from '../../../shared/contract';
import type { Draft, Member, Network, Tag } from '../../../shared/model';
import type { Db } from './connection';
import { NotFoundError } from './conversations';
import { newUid } from './uid';

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE');
}

interface MemberRow {
  id: number;
  uid: string | null;
  name: string;
  is_me: number;
  named: number;
}

interface SavedReplyRow {
  id: number;
  name: string;
  text: string;
  language: ReplyLanguage | null;
  networks: string;
}

/** Where and in which language a saved reply is offered. */
export interface SavedReplyScope {
  language: ReplyLanguage | null;
  networks: Network[];
}

function toSavedReply(r: SavedReplyRow): SavedReply {
  let networks: Network[] = [];
  try {
    const parsed: unknown = JSON.parse(r.networks);
    if (Array.isArray(parsed)) networks = parsed.filter((n): n is string => typeof n === 'string');
  } catch {
    networks = [];
  }
  return { id: r.id, name: r.name, text: r.text, language: r.language, networks };
}

export function createWorkspaceQueries(db: Db, now: () => number) {
  const tagRow = db.prepare<[number], Tag>('SELECT id, uid, name, color FROM tags WHERE id = ?');
  const memberRow = db.prepare<[number], MemberRow>('SELECT id, uid, name, is_me, named FROM members WHERE id = ?');
  const toMember = (r: MemberRow): Member => ({
    id: r.id,
    ...(r.uid ? { uid: r.uid } : {}),
    name: r.name,
    isMe: r.is_me === 1,
    ...(r.named === 0 ? { unnamed: true as const } : {}),
  });
  const replyRow = db.prepare<[number], SavedReplyRow>('SELECT id, name, text, language, networks FROM saved_replies WHERE id = ?');
  const viewRow = db.prepare<[number], { id: number; name: string; filter: string; position: number }>(
    'SELECT id, name, filter, position FROM saved_views WHERE id = ?',
  );
  const toView = (r: { id: number; name: string; filter: string; position: number }): SavedView => ({
    id: r.id,
    name: r.name,
    filter: JSON.parse(r.filter) as InboxFilter,
    position: r.position,
  });

  function mustTag(id: number): Tag {
    const t = tagRow.get(id);
    if (!t) throw new NotFoundError(`Tag ${id}`);
    return t;
  }
  function mustMember(id: number) {
    const m = memberRow.get(id);
    if (!m) throw new NotFoundError(`Member ${id}`);
    return m;
  }
  function uniqueName<T>(fn: () => T, name: string): T {
    try {
      return fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`A tag named “${name}” already exists`);
      throw err;
    }
  }

  return {
    tags: {
      list: (): Tag[] => db.prepare<[], Tag>('SELECT id, uid, name, color FROM tags ORDER BY name COLLATE NOCASE').all(),
      get: mustTag,
      create: (name: string, color: string): Tag =>
        uniqueName(() => {
          const info = db.prepare('INSERT INTO tags (uid, name, color, created_at) VALUES (?, ?, ?, ?)').run(newUid(), name, color, now());
          return mustTag(Number(info.lastInsertRowid));
        }, name),
      rename: (id: number, name: string): Tag =>
        uniqueName(() => {
          mustTag(id);
          db.prepare('UPDATE tags SET name = ? WHERE id = ?').run(name, id);
          return mustTag(id);
        }, name),
      recolor: (id: number, color: string): Tag => {
        mustTag(id);
        db.prepare('UPDATE tags SET color = ? WHERE id = ?').run(color, id);
        return mustTag(id);
      },
      delete: (id: number) => {
        mustTag(id);
        db.prepare('DELETE FROM tags WHERE id = ?').run(id);
      },
    },
    members: {
      list: (): Member[] =>
        db.prepare<[], MemberRow>('SELECT id, uid, name, is_me, named FROM members ORDER BY is_me DESC, name COLLATE NOCASE').all().map(toMember),
      get: (id: number): Member => toMember(mustMember(id)),
      /**
       * The member who is the person using this app; created on first run, with the name the
       * embedder knows (the demo's manager, a test), else unnamed under `placeholder` until the user
       * names themselves (`rename`).
       */
      ensureMe: (name: string | null, placeholder = 'Me'): Member => {
        const me = db.prepare<[], MemberRow>('SELECT id, uid, name, is_me, named FROM members WHERE is_me = 1').get();
        if (me) return toMember(me);
        const info = db
          .prepare('INSERT INTO members (uid, name, is_me, named, created_at) VALUES (?, ?, 1, ?, ?)')
          .run(newUid(), name ?? placeholder, name === null ? 0 : 1, now());
        return toMember(mustMember(Number(info.lastInsertRowid)));
      },
      create: (name: string): Member => {
        const info = db.prepare('INSERT INTO members (uid, name, is_me, created_at) VALUES (?, ?, 0, ?)').run(newUid(), name, now());
        return toMember(mustMember(Number(info.lastInsertRowid)));
      },
      rename: (id: number, name: string): Member => {
        mustMember(id);
        db.prepare('UPDATE members SET name = ?, named = 1 WHERE id = ?').run(name, id);
        return toMember(mustMember(id));
      },
      delete: (id: number) => {
        const m = mustMember(id);
        if (m.is_me === 1) throw new ConflictError('You cannot delete yourself from the team');
        db.prepare('DELETE FROM members WHERE id = ?').run(id);
      },
    },
    drafts: {
      save: (conversationId: number, text: string) => {
        if (text.trim() === '') {
          db.prepare('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
          return;
        }
        if (!db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(conversationId)) {
          throw new NotFoundError(`Conversation ${conversationId}`);
        }
        db.prepare(
          `INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
        ).run(conversationId, text, now());
      },
      get: (conversationId: number): Draft | null => {
        const row = db
          .prepare<[number], { conversation_id: number; text: string; updated_at: number }>(
            'SELECT conversation_id, text, updated_at FROM drafts WHERE conversation_id = ?',
          )
          .get(conversationId);
        return row ? { conversationId: row.conversation_id, text: row.text, updatedAt: row.updated_at } : null;
      },
    },
    savedReplies: {
      list: (): SavedReply[] =>
        db.prepare<[], SavedReplyRow>('SELECT id, name, text, language, networks FROM saved_replies ORDER BY name COLLATE NOCASE, id').all().map(toSavedReply),
      create: (name: string, text: string, scope: SavedReplyScope = { language: null, networks: [] }): SavedReply => {
        const info = db
          .prepare('INSERT INTO saved_replies (uid, name, text, language, networks, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(newUid(), name, text, scope.language, JSON.stringify([...new Set(scope.networks)].sort()), now());
        return toSavedReply(replyRow.get(Number(info.lastInsertRowid))!);
      },
      update: (id: number, name: string, text: string, scope: SavedReplyScope = { language: null, networks: [] }): SavedReply => {
        const changed = db
          .prepare('UPDATE saved_replies SET name = ?, text = ?, language = ?, networks = ? WHERE id = ?')
          .run(name, text, scope.language, JSON.stringify([...new Set(scope.networks)].sort()), id).changes;
        if (changed === 0) throw new NotFoundError(`Saved reply ${id}`);
        return toSavedReply(replyRow.get(id)!);
      },
      delete: (id: number) => {
        if (db.prepare('DELETE FROM saved_replies WHERE id = ?').run(id).changes === 0) throw new NotFoundError(`Saved reply ${id}`);
      },
    },
    views: {
      list: (): SavedView[] =>
        db.prepare<[], { id: number; name: string; filter: string; position: number }>('SELECT id, name, filter, position FROM saved_views ORDER BY position, id').all().map(toView),
      create: (name: string, filter: InboxFilter): SavedView => {
        const pos = (db.prepare('SELECT coalesce(max(position), 0) + 1 AS p FROM saved_views').get() as { p: number }).p;
        const info = db.prepare('INSERT INTO saved_views (uid, name, filter, position, created_at) VALUES (?, ?, ?, ?, ?)').run(newUid(), name, JSON.stringify(filter), pos, now());
        return toView(viewRow.get(Number(info.lastInsertRowid))!);
      },
      update: (id: number, patch: { name?: string; filter?: InboxFilter; position?: number }): SavedView => {
        const row = viewRow.get(id);
        if (!row) throw new NotFoundError(`View ${id}`);
        db.prepare('UPDATE saved_views SET name = ?, filter = ?, position = ? WHERE id = ?').run(
          patch.name ?? row.name,
          patch.filter ? JSON.stringify(patch.filter) : row.filter,
          patch.position ?? row.position,
          id,
        );
        return toView(viewRow.get(id)!);
      },
      delete: (id: number) => {
        if (db.prepare('DELETE FROM saved_views WHERE id = ?').run(id).changes === 0) throw new NotFoundError(`View ${id}`);
      },
    },
    authors: {
      setNotes: (authorId: number, notes: string) => {
        if (db.prepare('UPDATE authors SET notes = ? WHERE id = ?').run(notes, authorId).changes === 0) {
          throw new NotFoundError(`Author ${authorId}`);
        }
      },
    },
  };
}
export type WorkspaceQueries = ReturnType<typeof createWorkspaceQueries>;
