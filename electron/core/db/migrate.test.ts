import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseFromTheFutureError, runMigrations, schemaVersion, type Migration } from './migrate';
import { MIGRATIONS } from './migrations';
import { openDatabase } from './connection';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tables = (db: Database.Database) =>
  db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts_%' ORDER BY name").all().map((r) => r.name);

describe('migrations', () => {
  it('builds schema v1 with every table of the model and records the version', () => {
    const db = new Database(':memory:');
    expect(runMigrations(db, MIGRATIONS)).toEqual([10, 20, 30, 40, 50, 60, 70, 180, 190, 200, 210, 230, 261, 280, 320, 350, 360, 370]);
    expect(schemaVersion(db)).toBe(370);
    expect(tables(db)).toEqual([
      'accounts', 'activity', 'authors', 'contest_draws', 'contests', 'conversation_counts', 'conversation_tags', 'conversations', 'drafts', 'media', 'members',
      'message_flags', 'messages', 'messages_fts', 'moderation_settings', 'notes', 'outbox', 'post_media', 'post_targets', 'posts', 'rules',
      'saved_replies', 'saved_views', 'tags',
    ]);
    expect(runMigrations(db, MIGRATIONS)).toEqual([]);
  });

  it('refuses a database written by a newer version, and leaves it untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parvis-mig-'));
    const file = join(dir, 'future.db');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer Parvis/);
    const again = new Database(file);
    expect(schemaVersion(again)).toBe(999);
    expect(tables(again)).toEqual(['future']);
    again.close();
    expect(() => runMigrations(new Database(file), MIGRATIONS)).toThrow(DatabaseFromTheFutureError);
  });

  it('applies pending steps in order in one transaction: a failing step leaves nothing behind', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE one (x)') },
      { version: 2, name: 'two', up: () => { throw new Error('boom'); } },
    ];
    expect(() => runMigrations(db, steps)).toThrow('boom');
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
  });

  it('migrates a v1 database (0010) to the current schema, keeping its rows', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.slice(0, 1));
    db.prepare(`INSERT INTO accounts (network, server_url, remote_id, handle, display_name, created_at) VALUES ('mastodon', 'https://m.example', '1', '@a', 'A', 1)`).run();
    db.prepare(`INSERT INTO authors (account_id, remote_id, handle, name) VALUES (1, 'u', '@camille', 'Camille')`).run();
    db.prepare(`INSERT INTO conversations (account_id, network, remote_id, kind, last_activity_at, created_at) VALUES (1, 'mastodon', 't', 'mention', 1, 1)`).run();
    db.prepare(`INSERT INTO messages (conversation_id, account_id, remote_id, author_id, direction, text, created_at) VALUES (1, 1, 'm', 1, 'in', 'Le colis est arrivé', 1)`).run();
    db.prepare(`INSERT INTO messages_fts (rowid, text, author) VALUES (1, 'Le colis est arrivé', 'Camille @camille')`).run();
    expect(runMigrations(db, MIGRATIONS)).toEqual([20, 30, 40, 50, 60, 70, 180, 190, 200, 210, 230, 261, 280, 320, 350, 360, 370]);
    expect(db.prepare('SELECT handle FROM accounts').get()).toEqual({ handle: '@a' });
    // The rebuilt full-text index still finds what was there, by text and by author.
    expect(db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'colis'`).all()).toEqual([{ rowid: 1 }]);
    expect(db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'author:camille'`).all()).toEqual([{ rowid: 1 }]);
    expect(db.prepare('SELECT count(*) AS n FROM rules').get()).toEqual({ n: 0 });
  });

  it('tells bans from blocks (0070): an author banned before is banned, not blocked', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version <= 50));
    db.prepare(`INSERT INTO accounts (network, server_url, remote_id, handle, display_name, created_at) VALUES ('youtube', '', '1', '@a', 'A', 1)`).run();
    db.prepare(`INSERT INTO authors (account_id, remote_id, handle, name, blocked) VALUES (1, 'UCban', '@ban', 'Banned', 1), (1, 'UCblock', '@block', 'Blocked', 1)`).run();
    db.prepare(`INSERT INTO conversations (account_id, network, remote_id, kind, last_activity_at, created_at) VALUES (1, 'youtube', 't1', 'comment', 1, 1)`).run();
    db.prepare(`INSERT INTO messages (conversation_id, account_id, remote_id, author_id, direction, text, created_at) VALUES (1, 1, 'm1', 1, 'in', 'x', 1), (1, 1, 'm2', 2, 'in', 'y', 1)`).run();
    db.prepare(`INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (1, 'Alex', 1, 'moderation', '{"action":"ban-author","messageId":1}'), (1, 'Alex', 1, 'moderation', '{"action":"block-author","messageId":2}')`).run();
    expect(runMigrations(db, MIGRATIONS)).toEqual([60, 70, 180, 190, 200, 210, 230, 261, 280, 320, 350, 360, 370]);
    expect(db.prepare('SELECT remote_id, blocked, banned FROM authors ORDER BY id').all()).toEqual([
      { remote_id: 'UCban', blocked: 0, banned: 1 },
      { remote_id: 'UCblock', blocked: 1, banned: 0 },
    ]);
  });

  it('keeps older saved replies offered everywhere in any language, and accounts without a label (0210)', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version <= 50));
    db.prepare(`INSERT INTO accounts (network, server_url, remote_id, handle, display_name, created_at) VALUES ('mastodon', 'https://m.example', '1', '@a', 'A', 1)`).run();
    db.prepare(`INSERT INTO saved_replies (uid, name, text, created_at) VALUES ('01J0000000000000000000000A', 'merci', 'Merci !', 1)`).run();
    expect(runMigrations(db, MIGRATIONS)).toEqual([60, 70, 180, 190, 200, 210, 230, 261, 280, 320, 350, 360, 370]);
    expect(db.prepare('SELECT name, language, networks FROM saved_replies').get()).toEqual({ name: 'merci', language: null, networks: '[]' });
    expect(db.prepare('SELECT display_name, label FROM accounts').get()).toEqual({ display_name: 'A', label: null });
    expect(() => db.prepare(`UPDATE saved_replies SET language = 'de'`).run()).toThrow(/CHECK/);
  });

  it('keeps older accounts with no settings of their own and older messages open to comments (0230)', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version <= 210));
    db.prepare(`INSERT INTO accounts (network, server_url, remote_id, handle, display_name, created_at) VALUES ('x', 'https://api.x.com', '1', '@a', 'A', 1)`).run();
    db.prepare(`INSERT INTO conversations (account_id, network, remote_id, kind, last_activity_at, created_at) VALUES (1, 'x', 't1', 'mention', 1, 1)`).run();
    db.prepare(`INSERT INTO messages (uid, conversation_id, account_id, remote_id, direction, text, created_at) VALUES ('01J0000000000000000000000B', 1, 1, 'm1', 'in', 'Bonjour', 1)`).run();
    expect(runMigrations(db, MIGRATIONS)).toEqual([230, 261, 280, 320, 350, 360, 370]);
    expect(db.prepare('SELECT settings FROM accounts').get()).toEqual({ settings: '{}' });
    expect(db.prepare('SELECT locked FROM messages').get()).toEqual({ locked: 0 });
    expect(() => db.prepare('UPDATE messages SET locked = 2').run()).toThrow(/CHECK/);
  });

  it('leaves older messages out of the archive (0320)', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version <= 280));
    db.prepare(`INSERT INTO accounts (network, server_url, remote_id, handle, display_name, created_at) VALUES ('mailbox', 'imap://imap.example.com:993', 'contact@example.com', 'contact@example.com', 'C', 1)`).run();
    db.prepare(`INSERT INTO conversations (account_id, network, remote_id, kind, last_activity_at, created_at) VALUES (1, 'mailbox', 't1', 'dm', 1, 1)`).run();
    db.prepare(`INSERT INTO messages (uid, conversation_id, account_id, remote_id, direction, text, created_at) VALUES ('01J0000000000000000000000C', 1, 1, '<m1@example.com>', 'in', 'Bonjour', 1)`).run();
    expect(runMigrations(db, MIGRATIONS)).toEqual([320, 350, 360, 370]);
    expect(db.prepare('SELECT archived FROM messages').get()).toEqual({ archived: 0 });
    expect(() => db.prepare('UPDATE messages SET archived = 2').run()).toThrow(/CHECK/);
  });

  it('gives every shared record of an older database a unique, time-ordered uid (0050)', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version <= 40));
    const day = 86_400_000;
    db.prepare(`INSERT INTO accounts (network, server_url, remote_id, handle, display_name, created_at) VALUES ('mastodon', 'https://m.example', '1', '@a', 'A', 1)`).run();
    db.prepare(`INSERT INTO members (name, is_me, created_at) VALUES ('Alex', 1, ?), ('Sam', 0, ?)`).run(5 * day, 6 * day);
    db.prepare(`INSERT INTO conversations (account_id, network, remote_id, kind, last_activity_at, created_at) VALUES (1, 'mastodon', 't1', 'mention', 1, ?), (1, 'mastodon', 't2', 'mention', 1, ?)`).run(2 * day, day);
    db.prepare(`INSERT INTO messages (conversation_id, account_id, remote_id, direction, text, created_at) VALUES (1, 1, 'm1', 'in', 'un', ?), (2, 1, 'm2', 'in', 'deux', ?)`).run(2 * day, day);
    db.prepare(`INSERT INTO tags (name, color, created_at) VALUES ('livraison', '#ff0000', ?)`).run(day);
    db.prepare(`INSERT INTO notes (conversation_id, text, created_at) VALUES (1, 'rappeler', ?)`).run(day);
    db.prepare(`INSERT INTO saved_views (name, filter, created_at) VALUES ('urgent', '{}', ?)`).run(day);
    db.prepare(`INSERT INTO saved_replies (name, text, created_at) VALUES ('merci', 'Merci !', ?)`).run(day);
    db.prepare(`INSERT INTO rules (rule_key, position, definition, updated_at) VALUES ('r', 0, '{}', ?)`).run(day);

    expect(runMigrations(db, MIGRATIONS)).toEqual([50, 60, 70, 180, 190, 200, 210, 230, 261, 280, 320, 350, 360, 370]);
    const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
    for (const table of ['conversations', 'messages', 'tags', 'notes', 'saved_views', 'saved_replies', 'rules', 'members']) {
      const uids = db.prepare<[], { uid: string | null }>(`SELECT uid FROM ${table} ORDER BY rowid`).all().map((r) => r.uid);
      expect(uids.length, table).toBeGreaterThan(0);
      for (const uid of uids) expect(uid, table).toMatch(ULID);
      expect(new Set(uids).size, table).toBe(uids.length);
      // A second row with the same uid is refused: the index is unique.
      const unique = db.prepare<[], { name: string; unique: number }>(`PRAGMA index_list(${table})`).all().filter((i) => i.unique === 1);
      const columns = unique.map((i) => db.prepare<[], { name: string }>(`PRAGMA index_info(${i.name})`).all().map((c) => c.name).join(','));
      expect(columns, table).toContain('uid');
    }
    // The uid carries the record's creation time, so uids sort like the records' history.
    const [first, second] = db.prepare<[], { uid: string }>('SELECT uid FROM conversations ORDER BY id').all();
    expect(second!.uid < first!.uid).toBe(true);
    const members = db.prepare<[], { uid: string }>('SELECT uid FROM members ORDER BY id').all();
    expect(members[0]!.uid < members[1]!.uid).toBe(true);
  });

  it('migrates an older database forward, keeping its rows', () => {
    const db = new Database(':memory:');
    const v1: Migration = { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE notes_old (x TEXT)') };
    runMigrations(db, [v1]);
    db.prepare('INSERT INTO notes_old VALUES (?)').run('kept');
    const v2: Migration = { version: 2, name: 'two', up: (d) => d.exec('ALTER TABLE notes_old ADD COLUMN y TEXT') };
    expect(runMigrations(db, [v1, v2])).toEqual([2]);
    expect(db.prepare('SELECT x, y FROM notes_old').get()).toEqual({ x: 'kept', y: null });
  });

  it('rejects a list out of order', () => {
    const db = new Database(':memory:');
    const a: Migration = { version: 2, name: 'a', up: () => {} };
    const b: Migration = { version: 1, name: 'b', up: () => {} };
    expect(() => runMigrations(db, [a, b])).toThrow(/out of order/);
  });
});

describe('0060: the member who uses the app names themselves', () => {
  it('asks an existing "me" once (it was named after the operating-system user); other members keep their names as given', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version <= 50));
    db.prepare(`INSERT INTO members (name, is_me, created_at) VALUES ('Root', 1, 1), ('Sam', 0, 2)`).run();
    expect(runMigrations(db, MIGRATIONS)).toEqual([60, 70, 180, 190, 200, 210, 230, 261, 280, 320, 350, 360, 370]);
    expect(db.prepare('SELECT name, is_me, named FROM members ORDER BY id').all()).toEqual([
      { name: 'Root', is_me: 1, named: 0 },
      { name: 'Sam', is_me: 0, named: 1 },
    ]);
  });
});
