/**
 * Moderation in the store: netiquette rules run on every newly ingested message inside the ingest
 * transaction (so a caught message never shows as open), manual actions are applied locally at
 * once and sent through the outbox, and every action lands in the audit log (the activity table,
 * kind "moderation").
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry, DryRunReport, LexiconSet, NetworkCapabilities, Rule } from '../../../shared/contract';
import {
  MODERATION_ACTIONS,
  MODERATION_UNDO_WINDOW_MS,
  UNDOABLE_MODERATION_ACTIONS,
  type ModerationActionName,
  type ModerationState,
  type Network,
} from '../../../shared/model';
import type { Lexicon } from '../../../shared/moderation';
import type { Capabilities } from '../connectors/types';
import type { Db } from '../db/connection';
import { NotFoundError, type ConversationQueries } from '../db/conversations';
import type { IngestedMessage } from '../db/ingest';
import { createMessageWriter } from '../db/messages';
import { newUid } from '../db/uid';
import type { WorkspaceQueries } from '../db/workspace';
import type { ModeratePayload } from '../outbox/executor';
import { CoreError } from '../rpc';
import { FloodTracker } from './flood';
import { foldText } from './normalize';
import { DEFAULT_LEXICONS } from './lexicon';
import { defaultRules, RuleDefinition, createRulesEngine, type RuleMessage, type RulesEngine } from './rules';

export interface ModerationServiceOptions {
  db: Db;
  now: () => number;
  workspace: WorkspaceQueries;
  conversations: ConversationQueries;
  /** The connector capabilities of a network; null when this build cannot talk to it. */
  capabilitiesFor(network: Network): Capabilities | null;
  actorName(): string;
  /** Rules asked to notify: called after the ingest commits. */
  onRuleNotify?(conversationId: number, rule: { id: string; name: string }): void;
}

/** The local effect of each action on the message. */
const LOCAL_STATE: Partial<Record<ModerationActionName, ModerationState>> = {
  hide: 'hidden',
  unhide: 'visible',
  remove: 'removed',
  hold: 'held',
  approve: 'visible',
  spam: 'spam',
  'delete-own': 'removed',
  'ban-author': 'removed',
};

const TAG_COLOR = '#b91c1c';

/**
 * What to send for an action on a network that lacks it: "hide" on YouTube, which has no hide,
 * rejects the comment (it leaves public view, as the YouTube Studio's "remove" does).
 */
export function networkEquivalent(action: ModerationActionName, caps: Capabilities | null): ModerationActionName | null {
  if (!caps) return null;
  if (caps.moderation.includes(action)) return action;
  if (action === 'hide' && caps.moderation.includes('remove')) return 'remove';
  if (action === 'unhide' && caps.moderation.includes('approve')) return 'approve';
  return null;
}

interface MessageRow {
  id: number;
  moderation: ModerationState;
  locked: number;
  archived: number;
  author_blocked: number | null;
  author_muted: number | null;
  author_banned: number | null;
  conversation_id: number;
  account_id: number;
  remote_id: string | null;
  direction: 'in' | 'out';
  text: string;
  extra: string | null;
  author_id: number | null;
  author_remote_id: string | null;
  author_handle: string | null;
  author_name: string | null;
  network: Network;
  conversation_remote_id: string;
}

function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function createModerationService(opts: ModerationServiceOptions) {
  const { db, now } = opts;
  const setting = {
    get: <T>(key: string): T | null => {
      const row = db.prepare<[string], { value: string }>('SELECT value FROM moderation_settings WHERE key = ?').get(key);
      return row ? (JSON.parse(row.value) as T) : null;
    },
    set: (key: string, value: unknown) =>
      db
        .prepare('INSERT INTO moderation_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(key, JSON.stringify(value)),
  };

  // The shipped rules are written once; a user who deletes them does not get them back.
  if (!setting.get<boolean>('rules-seeded')) {
    db.transaction(() => {
      defaultRules().forEach((rule, i) =>
        db
          .prepare('INSERT OR IGNORE INTO rules (uid, rule_key, position, definition, built_in, updated_at) VALUES (?, ?, ?, ?, 1, ?)')
          .run(newUid(), rule.id, i, JSON.stringify(rule), now()),
      );
      setting.set('rules-seeded', true);
    })();
  }

  const lexicons = (): Lexicon[] => setting.get<Lexicon[]>('lexicons') ?? [...DEFAULT_LEXICONS];
  const allow = (): string[] => setting.get<string[]>('allow') ?? [];
  let engine: RulesEngine = createRulesEngine({ lexicons: lexicons(), allow: allow() });
  let rulesCache: RuleDefinition[] | null = null;
  const flood = new FloodTracker();

  const ruleRows = () =>
    db
      .prepare<[], { rule_key: string; position: number; definition: string; built_in: number; hits: number; last_hit_at: number | null }>(
        'SELECT rule_key, position, definition, built_in, hits, last_hit_at FROM rules ORDER BY position, rule_key',
      )
      .all();
  const activeRules = (): RuleDefinition[] => {
    if (!rulesCache) {
      rulesCache = [];
      for (const row of ruleRows()) {
        // A rule stored by an older version that no longer validates is skipped, not fatal.
        const parsed = RuleDefinition.safeParse(JSON.parse(row.definition));
        if (parsed.success && parsed.data.enabled) rulesCache.push(parsed.data);
      }
    }
    return rulesCache;
  };

  const messageRow = db.prepare<[number], MessageRow>(`
    SELECT m.id, m.moderation, m.locked, m.archived, m.conversation_id, m.account_id, m.remote_id, m.direction, m.text, m.extra, m.author_id,
           au.remote_id AS author_remote_id, au.handle AS author_handle, au.name AS author_name,
           au.blocked AS author_blocked, au.muted AS author_muted, au.banned AS author_banned,
           c.network, c.remote_id AS conversation_remote_id
    FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN authors au ON au.id = m.author_id
    WHERE m.id = ?`);
  const writer = createMessageWriter(db);
  const accountNetwork = db.prepare<[number], string>('SELECT network FROM accounts WHERE id = ?').pluck(true);
  // Counted only as far as a rule looks (a "new author" rule asks "at most N earlier messages?").
  const priorMessages = db.prepare<[number, number, number], number>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE author_id = ? AND id < ? LIMIT ?)',
  ).pluck(true);
  const priorNeeded = (rules: readonly RuleDefinition[]): number | null => {
    let max: number | null = null;
    for (const rule of rules) {
      for (const c of rule.conditions) if (c.type === 'new-author') max = Math.max(max ?? 0, c.maxPriorMessages);
    }
    return max;
  };
  const insertFlag = db.prepare<[number, string, string, string, number]>(
    'INSERT INTO message_flags (message_id, rule_key, rule_name, matches, at) VALUES (?, ?, ?, ?, ?)',
  );
  const countHit = db.prepare<[number, string]>('UPDATE rules SET hits = hits + 1, last_hit_at = ? WHERE rule_key = ?');
  const logActivity = db.prepare<[number, string, number | null, string, string]>(
    'INSERT INTO activity (at, actor, conversation_id, kind, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const insertOutbox = db.prepare<[number, number, number, string, string, number, number, number]>(`
    INSERT INTO outbox (account_id, conversation_id, message_id, kind, payload, idempotency_key, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, 'moderate', ?, ?, ?, ?, ?)`);
  const setAuthorFlag = {
    blocked: db.prepare<[number]>('UPDATE authors SET blocked = 1 WHERE id = ?'),
    muted: db.prepare<[number]>('UPDATE authors SET muted = 1 WHERE id = ?'),
    banned: db.prepare<[number]>('UPDATE authors SET banned = 1 WHERE id = ?'),
    unblocked: db.prepare<[number]>('UPDATE authors SET blocked = 0 WHERE id = ?'),
    unmuted: db.prepare<[number]>('UPDATE authors SET muted = 0 WHERE id = ?'),
    unbanned: db.prepare<[number]>('UPDATE authors SET banned = 0 WHERE id = ?'),
  };
  const restoreAuthor = db.prepare<[number, number, number, number]>('UPDATE authors SET blocked = ?, muted = ?, banned = ? WHERE id = ?');
  const activityById = db.prepare<[number], { id: number; conversation_id: number | null; detail: string }>(
    `SELECT id, conversation_id, detail FROM activity WHERE id = ? AND kind = 'moderation'`,
  );
  const outboxState = db.prepare<[number], { state: string }>('SELECT state FROM outbox WHERE id = ?');
  const markUndone = db.prepare<[string, number]>('UPDATE activity SET detail = ? WHERE id = ?');

  /** Applies an action locally, queues its network side, and logs it; inside the caller's transaction. */
  function applyAction(
    m: MessageRow,
    action: ModerationActionName,
    origin: string,
    actor: string,
    reason?: string,
    sendToNetwork = true,
    networkAction: ModerationActionName = action,
    durationDays?: number,
  ): { queued: boolean; actionId: number; undoUntil: number | null } {
    const caps = opts.capabilitiesFor(m.network);
    // A ban takes the message down only where the network's ban does (see `banRemovesMessage`).
    const state = action === 'ban-author' && caps && !caps.banRemovesMessage ? undefined : LOCAL_STATE[action];
    if (state) writer.setModeration(m.id, m.conversation_id, state);
    if (action === 'lock' || action === 'unlock') writer.setLocked(m.id, action === 'lock');
    if (action === 'archive' || action === 'unarchive') writer.setArchived(m.id, action === 'archive');
    if (m.author_id !== null) {
      if (action === 'block-author') setAuthorFlag.blocked.run(m.author_id);
      if (action === 'ban-author') setAuthorFlag.banned.run(m.author_id);
      if (action === 'mute-author') setAuthorFlag.muted.run(m.author_id);
      if (action === 'unblock-author') setAuthorFlag.unblocked.run(m.author_id);
      if (action === 'unmute-author') setAuthorFlag.unmuted.run(m.author_id);
      if (action === 'unban-author') setAuthorFlag.unbanned.run(m.author_id);
    }
    // A harsh action taken by hand waits in the outbox, so that "Undo" can take it back unsent.
    const held = origin === 'manual' && UNDOABLE_MODERATION_ACTIONS.includes(action);
    const undoUntil = held ? now() + MODERATION_UNDO_WINDOW_MS : null;
    // Holding or approving a message the network does not moderate stays a local review state.
    const sent = sendToNetwork ? networkEquivalent(networkAction, caps) : null;
    const networkSide = sent !== null && m.remote_id !== null;
    let outboxId: number | null = null;
    if (networkSide) {
      const payload: ModeratePayload = {
        action: sent!,
        messageRemoteId: m.remote_id!,
        authorRemoteId: m.author_remote_id ?? '',
        conversationRemoteId: m.conversation_remote_id,
        reason,
        ...(durationDays !== undefined && sent === 'ban-author' ? { durationDays } : {}),
        messageExtra: m.extra ? (JSON.parse(m.extra) as Record<string, unknown>) : undefined,
      };
      const at = now();
      outboxId = Number(insertOutbox.run(m.account_id, m.conversation_id, m.id, JSON.stringify(payload), randomUUID(), undoUntil ?? at, at, at).lastInsertRowid);
    }
    const logged = logActivity.run(
      now(),
      actor,
      m.conversation_id,
      'moderation',
      JSON.stringify({
        action,
        messageId: m.id,
        origin,
        target: `${m.author_name ?? m.author_handle ?? '?'} (${m.author_handle ?? ''}): ${excerpt(m.text)}`,
        network: m.network,
        outboxId,
        reason: reason ?? null,
        ...(durationDays !== undefined ? { durationDays } : {}),
        // What undo puts back.
        before: {
          moderation: m.moderation,
          locked: m.locked === 1,
          archived: m.archived === 1,
          author: m.author_id === null ? null : { blocked: m.author_blocked === 1, muted: m.author_muted === 1, banned: m.author_banned === 1 },
        },
      }),
    );
    return { queued: networkSide, actionId: Number(logged.lastInsertRowid), undoUntil };
  }

  interface LoggedAction {
    action: ModerationActionName;
    messageId: number;
    outboxId: number | null;
    undone?: boolean;
    before?: { moderation: ModerationState; locked?: boolean; archived?: boolean; author: { blocked: boolean; muted: boolean; banned: boolean } | null };
  }

  function ensureTag(name: string): number {
    const existing = opts.workspace.tags.list().find((t) => t.name.toLowerCase() === name.toLowerCase());
    return existing ? existing.id : opts.workspace.tags.create(name, TAG_COLOR).id;
  }

  const pendingNotify: { conversationId: number; rule: { id: string; name: string } }[] = [];

  return {
    /** The ingest hook: runs the rules on new incoming messages, inside the ingest transaction. */
    onNewMessages(_db: Db, accountId: number, messages: readonly IngestedMessage[]): { queued: boolean } {
      const rules = activeRules();
      let queued = false;
      if (rules.length === 0) return { queued };
      const priorLimit = priorNeeded(rules);
      // One page, one account: its network is read once (not joined again for every message).
      const network = accountNetwork.get(accountId) as Network;
      for (const fresh of messages) {
        if (fresh.item.direction !== 'in') continue;
        // Folded once: the rules' word matching and the flood tracker's key both read it.
        const folded = foldText(fresh.item.text);
        const message: RuleMessage = {
          text: fresh.item.text,
          folded,
          network,
          accountId,
          authorHandle: fresh.item.author.handle,
          authorRemoteId: fresh.item.author.remoteId,
        };
        const evaluation = engine.evaluate(rules, message, {
          authorPriorMessageCount:
            priorLimit === null ? Number.MAX_SAFE_INTEGER : priorMessages.get(fresh.authorId, fresh.messageId, priorLimit + 1)!,
          flood: flood.observe(folded, `${accountId}:${fresh.item.author.remoteId}`, fresh.item.createdAt),
        });
        if (evaluation.matchedRules.length === 0) continue;
        const row = messageRow.get(fresh.messageId)!;
        for (const matched of evaluation.matchedRules) {
          insertFlag.run(
            fresh.messageId,
            matched.ruleId,
            matched.ruleName,
            JSON.stringify(matched.matches.map((x) => ({ start: x.start, end: x.end, term: x.term, category: x.category }))),
            now(),
          );
          countHit.run(now(), matched.ruleId);
          const origin = `rule: ${matched.ruleName}`;
          for (const action of matched.actions) {
            switch (action.type) {
              case 'hold':
                // Held for review in Parvis only: the network is not told.
                applyAction(row, 'hold', origin, origin, undefined, false);
                break;
              case 'hide-on-network':
                queued = applyAction(row, 'hide', origin, origin).queued || queued;
                break;
              case 'remove':
                queued = applyAction(row, 'remove', origin, origin).queued || queued;
                break;
              case 'tag':
                opts.conversations.tag([fresh.conversationId], ensureTag(action.tag), action.tag);
                break;
              case 'assign':
                opts.conversations.assign([fresh.conversationId], action.memberId, opts.workspace.members.get(action.memberId).name);
                break;
              case 'set-status':
                opts.conversations.setStatus([fresh.conversationId], action.status, null);
                break;
              case 'notify':
                pendingNotify.push({ conversationId: fresh.conversationId, rule: { id: matched.ruleId, name: matched.ruleName } });
                break;
            }
          }
        }
      }
      return { queued };
    },
    /** Notifications asked by rules during the last ingest, once it committed. */
    flushNotifications(): void {
      for (const n of pendingNotify.splice(0)) opts.onRuleNotify?.(n.conversationId, n.rule);
    },

    /** A manual action on a message; returns its conversation, and how to undo it. */
    act: db.transaction((messageId: number, action: ModerationActionName, reason: string | undefined, durationDays?: number): { conversationId: number; queued: boolean; actionId: number; undoUntil: number | null } => {
      const m = messageRow.get(messageId);
      if (!m) throw new NotFoundError(`Message ${messageId}`);
      const caps = opts.capabilitiesFor(m.network);
      const localAction = action === 'hold' || action === 'approve' || action === 'unhide';
      if (!localAction && caps && networkEquivalent(action, caps) === null) {
        throw new CoreError('not-supported', caps.unsupportedReasons?.[action] ?? `${m.network} does not allow “${action}”`);
      }
      if (action === 'delete-own' && m.direction !== 'out') throw new CoreError('not-supported', 'Only your own messages can be deleted');
      if (m.remote_id === null && !localAction) throw new CoreError('conflict', 'This message is not on the network yet');
      if (durationDays !== undefined) {
        if (action !== 'ban-author') throw new CoreError('invalid-input', 'Only a ban has a duration');
        const limits = caps?.banDuration;
        if (!limits) throw new CoreError('not-supported', `A ban on ${m.network} has no duration`);
        if (durationDays > limits.maxDays) throw new CoreError('invalid-input', `A ban on ${m.network} lasts at most ${limits.maxDays} days`);
      }
      const actor = opts.actorName();
      const { queued, actionId, undoUntil } = applyAction(m, action, 'manual', actor, reason, true, action, durationDays);
      return { conversationId: m.conversation_id, queued, actionId, undoUntil };
    }),

    /**
     * Undoes actions that have not reached their network: drops their outbox rows and puts the
     * messages and authors back as they were. All or nothing: if one has left (or is leaving),
     * nothing changes and `conflict` says so. Returns the conversations touched.
     */
    undo: db.transaction((actionIds: readonly number[]): number[] => {
      const entries = actionIds.map((id) => {
        const row = activityById.get(id);
        if (!row) throw new NotFoundError(`Moderation action ${id}`);
        return { row, detail: JSON.parse(row.detail) as LoggedAction };
      });
      for (const { detail } of entries) {
        if (detail.undone || detail.outboxId === null) continue;
        const state = outboxState.get(detail.outboxId)?.state;
        // Refused or never answered (failed, dead): it did not happen there, so it can still be dropped.
        if (state === 'sending' || state === 'sent') {
          throw new CoreError('conflict', `The ${detail.action} has already reached the network`);
        }
      }
      const conversations = new Set<number>();
      // Newest first, so that two actions on one message end at the state before the first.
      for (const { row, detail } of [...entries].sort((a, b) => b.row.id - a.row.id)) {
        if (detail.undone) continue;
        if (detail.outboxId !== null) db.prepare('DELETE FROM outbox WHERE id = ?').run(detail.outboxId);
        const m = messageRow.get(detail.messageId);
        if (m && detail.before) {
          if (LOCAL_STATE[detail.action] && m.moderation !== detail.before.moderation) writer.setModeration(m.id, m.conversation_id, detail.before.moderation);
          if ((detail.action === 'lock' || detail.action === 'unlock') && detail.before.locked !== undefined) writer.setLocked(m.id, detail.before.locked);
          if ((detail.action === 'archive' || detail.action === 'unarchive') && detail.before.archived !== undefined) writer.setArchived(m.id, detail.before.archived);
          const author = detail.before.author;
          if (author && m.author_id !== null) restoreAuthor.run(Number(author.blocked), Number(author.muted), Number(author.banned), m.author_id);
        }
        markUndone.run(JSON.stringify({ ...detail, undone: true }), row.id);
        if (row.conversation_id !== null) conversations.add(row.conversation_id);
      }
      return [...conversations];
    }),

    capabilities(networks: readonly Network[]): Record<string, NetworkCapabilities> {
      const out: Record<string, NetworkCapabilities> = {};
      for (const network of networks) {
        const caps = opts.capabilitiesFor(network);
        if (!caps) continue;
        out[network] = {
          maxReplyLength: caps.maxReplyLength,
          reply: caps.reply,
          directMessages: caps.directMessages,
          moderation: MODERATION_ACTIONS.filter((a) => networkEquivalent(a, caps) !== null),
          unsupportedReasons: Object.fromEntries(Object.entries(caps.unsupportedReasons ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')),
          replyWindow: caps.replyWindow ?? null,
          privateReplies: caps.privateReplies ?? false,
          banDuration: caps.banDuration ?? null,
        };
      }
      return out;
    },

    rules: {
      list(): Rule[] {
        return ruleRows().map((r) => ({
          definition: JSON.parse(r.definition) as Rule['definition'],
          position: r.position,
          hits: r.hits,
          lastHitAt: r.last_hit_at,
          builtIn: r.built_in === 1,
        }));
      },
      save(input: unknown): Rule {
        const rule = RuleDefinition.parse(input);
        const position =
          db.prepare<[string], { position: number }>('SELECT position FROM rules WHERE rule_key = ?').get(rule.id)?.position ??
          (db.prepare<[], { p: number }>('SELECT coalesce(max(position), -1) + 1 AS p FROM rules').get()!.p);
        db.prepare(`
          INSERT INTO rules (uid, rule_key, position, definition, updated_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (rule_key) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`).run(newUid(), rule.id, position, JSON.stringify(rule), now());
        rulesCache = null;
        return this.list().find((r) => r.definition.id === rule.id)!;
      },
      delete(ruleId: string) {
        if (db.prepare('DELETE FROM rules WHERE rule_key = ?').run(ruleId).changes === 0) throw new NotFoundError(`Rule ${ruleId}`);
        rulesCache = null;
      },
      reorder: db.transaction((ruleIds: readonly string[]) => {
        ruleIds.forEach((id, i) => db.prepare('UPDATE rules SET position = ? WHERE rule_key = ?').run(i, id));
        rulesCache = null;
      }),
      setAutoHide(enabled: boolean) {
        const row = db.prepare<[], { definition: string }>(`SELECT definition FROM rules WHERE rule_key = 'netiquette'`).get();
        const base = row ? RuleDefinition.parse(JSON.parse(row.definition)) : defaultRules()[0]!;
        const others = base.actions.filter((a) => a.type !== 'hide-on-network');
        const actions = enabled ? [{ type: 'hide-on-network' as const }, ...others] : others;
        this.save({ ...base, actions });
      },
      dryRun(input: unknown, lastN: number): DryRunReport {
        const rule = RuleDefinition.parse(input);
        const rows = db
          .prepare<[number], { id: number; conversation_id: number; account_id: number; text: string; network: Network; handle: string | null; remote_id: string | null }>(`
            SELECT m.id, m.conversation_id, m.account_id, m.text, c.network, au.handle, au.remote_id
            FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN authors au ON au.id = m.author_id
            WHERE m.direction = 'in' ORDER BY m.id DESC LIMIT ?`)
          .all(lastN);
        const messages: RuleMessage[] = rows.map((r) => ({
          text: r.text,
          network: r.network,
          accountId: r.account_id,
          authorHandle: r.handle ?? '',
          authorRemoteId: r.remote_id ?? '',
        }));
        const result = engine.dryRun({ ...rule, enabled: true }, messages, { maxSamples: 20 });
        return {
          scanned: rows.length,
          count: result.count,
          samples: result.samples.map((s) => ({
            messageId: rows[s.index]!.id,
            conversationId: rows[s.index]!.conversation_id,
            text: s.message.text,
            matches: s.matches.map((x) => ({ start: x.start, end: x.end, term: x.term, category: x.category })),
          })),
        };
      },
    },

    lexicons: {
      get(): LexiconSet {
        return { lexicons: lexicons(), allow: allow(), edited: setting.get('lexicons') !== null || setting.get('allow') !== null };
      },
      set(patch: { lexicons?: Lexicon[]; allow?: string[]; reset?: boolean }): LexiconSet {
        if (patch.reset) {
          db.prepare(`DELETE FROM moderation_settings WHERE key IN ('lexicons', 'allow')`).run();
        } else {
          if (patch.lexicons) {
            const byLanguage = new Map(lexicons().map((l) => [l.language, l]));
            for (const l of patch.lexicons) byLanguage.set(l.language, l);
            setting.set('lexicons', [...byLanguage.values()]);
          }
          if (patch.allow) setting.set('allow', patch.allow);
        }
        engine = createRulesEngine({ lexicons: lexicons(), allow: allow() });
        return this.get();
      },
    },

    audit: {
      list(query: string | undefined, cursor: string | null | undefined, limit: number): { items: AuditEntry[]; nextCursor: string | null } {
        const params: unknown[] = [];
        let where = `a.kind = 'moderation'`;
        if (cursor) {
          if (!/^\d{1,16}$/.test(cursor)) throw new CoreError('invalid-input', 'The page cursor is not valid');
          where += ' AND a.id < ?';
          params.push(Number(cursor));
        }
        if (query?.trim()) {
          where += ` AND (a.actor LIKE ? ESCAPE '\\' OR a.detail LIKE ? ESCAPE '\\')`;
          const like = `%${query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          params.push(like, like);
        }
        const rows = db
          .prepare<unknown[], { id: number; at: number; actor: string; conversation_id: number | null; detail: string; state: string | null; last_error: string | null; remote_result: string | null }>(`
            SELECT a.id, a.at, a.actor, a.conversation_id, a.detail, o.state, o.last_error, o.remote_result
            FROM activity a LEFT JOIN outbox o ON o.id = json_extract(a.detail, '$.outboxId')
            WHERE ${where} ORDER BY a.id DESC LIMIT ?`)
          .all(...params, limit + 1);
        const more = rows.length > limit;
        const items = rows.slice(0, limit).map((r): AuditEntry => {
          const d = JSON.parse(r.detail) as { action: string; origin: string; target: string; network: string | null; outboxId: number | null; undone?: boolean };
          const outcome = d.undone
            ? 'discarded'
            : d.outboxId === null
              ? 'local'
              : r.state === null
                ? 'discarded'
                : r.state === 'sent'
                  ? `sent${r.remote_result ? ` ${excerpt(r.remote_result, 120)}` : ''}`
                  : r.state === 'failed' || r.state === 'dead'
                    ? `${r.state}: ${r.last_error ?? ''}`
                    : r.state;
          return { id: r.id, at: r.at, actor: r.actor, conversationId: r.conversation_id, action: d.action, target: d.target, network: d.network, origin: d.origin, outcome };
        });
        return { items, nextCursor: more ? String(items.at(-1)!.id) : null };
      },
    },

  };
}
export type ModerationService = ReturnType<typeof createModerationService>;
