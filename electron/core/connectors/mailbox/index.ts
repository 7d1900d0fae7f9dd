/**
 * The email connector: a shared mailbox (contact@…) read over IMAP and answered over SMTP, with
 * imapflow (IMAP), mailparser (MIME) and Nodemailer (composing, SMTP), not protocol code of ours.
 *
 * Reading: the cursor holds the INBOX's UIDVALIDITY and the highest UID stored. Each poll asks for
 * UIDs above it (oldest first, a page at a time: a 50,000-message mailbox is read once, in pages,
 * then only what is new). The cursor moves only with a stored page, so a connection lost in the
 * middle of a read (a server restart) reads the same page again: no gap, and the store's
 * deduplication by Message-ID leaves no duplicate. When UIDVALIDITY changes (the mailbox was
 * rebuilt, UIDs mean something else now), the read starts over from the first UID: again the
 * Message-IDs keep what is stored from being doubled.
 *
 * Changes: where the server has CONDSTORE (RFC 7162; Dovecot has it), the cursor also keeps the
 * INBOX's HIGHESTMODSEQ. A poll that finds it unchanged (and the same UIDVALIDITY) knows nothing was
 * added, flagged or removed, and stops there: after the first read of a large mailbox, a poll is
 * a login and an EXAMINE. When it moved, the poll reads new UIDs as above and, once caught up,
 * asks for what changed since (`UID FETCH … (FLAGS) (CHANGEDSINCE m VANISHED)`, QRESYNC): a message
 * that left the INBOX (deleted, or filed into another folder by another client) or was flagged
 * \Deleted there is reported deleted, so it no longer waits for an answer in Parvis. The UIDs of the
 * latest messages travel in the cursor for this (bounded): an older message that leaves the INBOX
 * stays as it is in Parvis. Without CONDSTORE, polls read new UIDs only.
 *
 * Push: `watch` keeps one more connection, idling on the INBOX (IMAP IDLE), and tells the scheduler
 * to poll as soon as the server announces a new message or a change; it reconnects with a backoff.
 *
 * Replying: Nodemailer composes the answer once, with `In-Reply-To` and `References` from the
 * message answered and a Message-ID derived from the outbox's idempotency key; the same bytes go
 * to SMTP and, by IMAP APPEND, to the Sent folder. After a crash, `findReply` looks for that
 * Message-ID in Sent, so a reply that went out is not sent twice.
 *
 * Moderating: spam moves the message to Junk, remove moves it to Trash (both undoable in any mail
 * client), archive to the archive folder (special-use `\Archive`, RFC 6154; else a folder named
 * Archive or Archives; else an "Archive" folder is created, and the result says so), and unarchive
 * back to the INBOX; found by UID when the mailbox is unchanged, else by Message-ID. Nothing is
 * ever expunged for good: Trash is the mail client's own way back. A message Parvis archived
 * leaves the INBOX like a deleted one; the poll looks for it in the archive folder before it
 * reports it deleted, so its conversation stays as it was.
 */
import { createHash } from 'node:crypto';
import { ImapFlow, type ListResponse, type MessageStructureObject } from 'imapflow';
import { DETAIL_MAX } from '../../../../shared/errors';
import { backoffDelay } from '../http';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import {
  ConnectorError,
  type AccountContext,
  type AccountWatch,
  type AttachmentContent,
  type AttachmentRequest,
  type Capabilities,
  type Connector,
  type ModerateRequest,
  type ModerationAction,
  type NormalizedAuthor,
  type NormalizedDeletion,
  type NormalizedItem,
  type PollResult,
  type ReplyRequest,
  type ReplyResult,
} from '../types';
import { ThreadMemory, attachmentParts, listedName, readMessage, tidyText, type EmailExtra } from './convert';
import { currentAccessToken } from './oauth';
import { readSettings, tlsOptions, type MailSettings, type ServerSettings } from './settings';

/** How a connection logs in: a password (SASL PLAIN/LOGIN), or an OAuth access token (SASL XOAUTH2). */
export type MailSecret = string | { accessToken: string };

/** Longest answer Parvis sends (an email has no real limit; this keeps a paste accident out). */
export const MAX_EMAIL_LENGTH = 100_000;

const UNSUPPORTED: Partial<Record<ModerationAction, string>> = {
    lock: 'An email cannot be closed to replies.',
    unlock: 'An email cannot be closed to replies, so there is nothing to reopen.',
  hide: 'An email is private to the mailbox: move it to Junk or Trash instead.',
  unhide: 'An email is private to the mailbox: there is nothing to unhide.',
  hold: 'A mailbox has no review queue: mail arrives as it is sent.',
  approve: 'A mailbox has no review queue: mail arrives as it is sent.',
  'delete-own': 'A sent email cannot be taken back.',
  'block-author': 'Blocking a sender is a rule on the mail server (a filter), not something IMAP can set.',
  'ban-author': 'A mailbox has no members to ban: move the message to Junk.',
  'mute-author': 'Muting a sender is a rule on the mail server (a filter), not something IMAP can set.',
  report: 'IMAP has no way to report a message: move it to Junk, which many providers learn from.',
  'unblock-author': 'Blocking a sender is a rule on the mail server, not something IMAP can set.',
  'unmute-author': 'Muting a sender is a rule on the mail server, not something IMAP can set.',
};

export const EMAIL_CAPABILITIES: Capabilities = {
  maxReplyLength: MAX_EMAIL_LENGTH,
  directMessages: true,
  reply: true,
  moderation: ['spam', 'remove', 'archive', 'unarchive'],
  unsupportedReasons: UNSUPPORTED,
};

export interface EmailConnectorOptions {
  /** Messages per poll (fetched and parsed at once). */
  pageSize?: number;
  /** Thread roots remembered in the cursor. */
  memorySize?: number;
  /** Larger messages are listed from their first bytes only (their attachments are not read). */
  maxMessageBytes?: number;
  timeoutMs?: number;
  now?: () => number;
  /** UIDs of the latest messages kept in the cursor, to name the ones that leave the INBOX. */
  uidMemorySize?: number;
  /** Push connection: first reconnection delay and longest one (default 2 s, 5 min). */
  watchBackoff?: { baseMs: number; capMs: number };
  /** IDLE is restarted this often (servers drop it after 30 min; RFC 2177 says re-issue before). Default 10 min. */
  maxIdleMs?: number;
  /** Counts the IMAP commands sent (for the bench); not for the product. */
  onCommand?: (command: string) => void;
}

interface EmailCursor {
  v: 1;
  uidValidity: string | null;
  lastUid: number;
  roots: [string, string][];
  /** HIGHESTMODSEQ of the INBOX when it was last read up to `lastUid` with its changes (CONDSTORE). */
  modseq?: string | null;
  /** [UID, Message-ID] of the latest messages read, oldest first (bounded). */
  uids?: [number, string][];
}

function readCursor(raw: string | null): EmailCursor {
  const empty: EmailCursor = { v: 1, uidValidity: null, lastUid: 0, roots: [], modseq: null, uids: [] };
  if (!raw) return empty;
  try {
    const parsed = JSON.parse(raw) as Partial<EmailCursor>;
    if (parsed.v !== 1) return empty;
    return {
      v: 1,
      uidValidity: typeof parsed.uidValidity === 'string' ? parsed.uidValidity : null,
      lastUid: Number.isSafeInteger(parsed.lastUid) && parsed.lastUid! >= 0 ? parsed.lastUid! : 0,
      roots: Array.isArray(parsed.roots) ? parsed.roots.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') : [],
      modseq: typeof parsed.modseq === 'string' && /^\d{1,20}$/.test(parsed.modseq) ? parsed.modseq : null,
      uids: Array.isArray(parsed.uids) ? parsed.uids.filter((e): e is [number, string] => Array.isArray(e) && Number.isSafeInteger(e[0]) && typeof e[1] === 'string') : [],
    };
  } catch {
    return empty;
  }
}

/** Turns what imapflow and Nodemailer throw into the kinds the scheduler acts on. */
export function mailError(err: unknown, what: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as { authenticationFailed?: boolean; code?: string; responseCode?: number; message?: string; serverResponseCode?: string; responseText?: string };
  const detail = e.responseText || e.message || String(err);
  // The server's own words (an IMAP or SMTP response text), shown quoted beside Parvis's wording.
  const said = e.responseText ? e.responseText.replace(/\s+/g, ' ').trim().slice(0, DETAIL_MAX) || null : null;
  // A 4xx answer to AUTH is temporary (the server's own auth backend is away): not the user's password.
  const temporary = e.responseCode !== undefined && e.responseCode >= 400 && e.responseCode < 500;
  if (!temporary && (e.authenticationFailed || e.code === 'EAUTH' || e.serverResponseCode === 'AUTHENTICATIONFAILED' || e.responseCode === 535)) {
    return new ConnectorError('auth', `${what}: the server refused the login or password (${detail})`, null, null, { detail: said });
  }
  if (e.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code)) {
    return new ConnectorError('bad-response', `${what}: the server's certificate is not trusted (${e.code}); sign in again to check it.`, null, null, { code: 'certificate-untrusted' });
  }
  if (e.code === 'ETHROTTLE' || e.serverResponseCode === 'LIMIT') return new ConnectorError('rate-limited', `${what}: the server asks to slow down (${detail})`, 60_000, null, { detail: said });
  if (e.responseCode && e.responseCode >= 500 && e.responseCode < 600) return new ConnectorError('bad-response', `${what}: the server refused (${detail})`, null, e.responseCode, { code: 'refused', detail: said });
  return new ConnectorError('network', `${what}: ${detail}`, null, null, { detail: said });
}

/** The Message-ID of a reply: stable for one outbox entry, so a retry or a crash check finds it. */
export function replyMessageId(idempotencyKey: string, address: string): string {
  const domain = address.split('@')[1] || 'parvis.invalid';
  return `<parvis.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/** References of an answer: the thread's ids (RFC 5322 §3.6.4), kept short like mail clients do (first and last ones). */
export function replyReferences(parent: Pick<EmailExtra, 'references' | 'messageId'>): string[] {
  const all = [...parent.references.filter((r) => r !== parent.messageId), parent.messageId];
  return all.length <= 20 ? all : [all[0]!, ...all.slice(-19)];
}

function replySubject(subject: string): string {
  const clean = subject.trim() || '(no subject)';
  return /^(re|aw|sv|antw|r)\s*:/i.test(clean) ? clean : `Re: ${clean}`;
}

function specialFolder(list: ListResponse[], use: '\\Sent' | '\\Junk' | '\\Trash' | '\\Archive', names: RegExp): string | null {
  return list.find((f) => f.specialUse === use)?.path ?? list.find((f) => names.test(f.name))?.path ?? null;
}

const ARCHIVE_NAMES = /^(archive|archives|archiv|archivio|archivo)$/i;

/** The mailbox's archive folder (RFC 6154's `\Archive`, else a folder named so), or null. */
function archiveFolder(list: ListResponse[]): string | null {
  return specialFolder(list, '\\Archive', ARCHIVE_NAMES);
}

/** Which of these Message-IDs are in the archive folder (looked up 50 at a time, by header). */
async function archivedIds(client: ImapFlow, messageIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const archive = archiveFolder(await client.list());
  if (!archive || messageIds.length === 0) return found;
  const wanted = new Set(messageIds);
  await withMailbox(client, archive, true, async () => {
    for (let i = 0; i < messageIds.length; i += 50) {
      const chunk = messageIds.slice(i, i + 50);
      const query = chunk.length === 1 ? { header: { 'message-id': chunk[0]! } } : { or: chunk.map((id) => ({ header: { 'message-id': id } })) };
      const uids = (await client.search(query, { uid: true })) || [];
      if (uids.length === 0) continue;
      // The server's header search matches substrings: the envelope says which Message-ID each one has.
      for await (const message of client.fetch(uids.join(','), { uid: true, envelope: true }, { uid: true })) {
        const id = message.envelope?.messageId;
        if (id && wanted.has(id)) found.add(id);
      }
    }
  });
  return found;
}

async function withMailbox<T>(client: ImapFlow, path: string, readOnly: boolean, run: () => Promise<T>): Promise<T> {
  const lock = await client.getMailboxLock(path, { readOnly });
  try {
    return await run();
  } finally {
    lock.release();
  }
}

class EmailConnector implements Connector {
  readonly network = 'mailbox';
  readonly capabilities = EMAIL_CAPABILITIES;
  private readonly pageSize: number;
  private readonly now: () => number;

  constructor(private readonly options: EmailConnectorOptions) {
    this.pageSize = Math.max(1, options.pageSize ?? 50);
    this.now = options.now ?? (() => Date.now());
  }

  /** Tokens renewed by this connector, by account: the push connection's context may hold older ones. */
  private readonly renewed = new Map<number, Record<string, string>>();
  /** One renewal at a time per account (the poll and the push connection may ask together). */
  private readonly renewing = new Map<number, Promise<string>>();

  /** The password, or an access token valid for the next minutes (renewed first when it is about to expire). */
  private async secret(ctx: AccountContext, settings: MailSettings): Promise<MailSecret> {
    if (settings.oauth) {
      const newer = this.renewed.get(ctx.accountId);
      if (newer && newer.clientId === ctx.credentials.clientId && Number(newer.expiresAt ?? 0) > Number(ctx.credentials.expiresAt ?? 0)) Object.assign(ctx.credentials, newer);
      try {
        let pending = this.renewing.get(ctx.accountId);
        if (!pending) {
          const before = ctx.credentials.accessToken;
          pending = currentAccessToken(ctx, settings.oauth.tokenUrl, this.now(), this.options.timeoutMs)
            .then((token) => {
              if (token !== before) this.renewed.set(ctx.accountId, { ...ctx.credentials });
              return token;
            })
            .finally(() => this.renewing.delete(ctx.accountId));
          this.renewing.set(ctx.accountId, pending);
        }
        return { accessToken: await pending };
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'auth') throw new ConnectorError('auth', `The mail provider refused to renew the sign-in (${err.message}): sign in again.`);
        throw err;
      }
    }
    const password = ctx.credentials.password;
    if (!password) throw new ConnectorError('auth', 'No password is stored for this mailbox: sign in again.');
    return password;
  }

  private async imap<T>(ctx: AccountContext, what: string, run: (client: ImapFlow, settings: MailSettings) => Promise<T>): Promise<T> {
    const settings = readSettings(ctx.credentials);
    const client = imapClient(settings, await this.secret(ctx, settings), this.options.timeoutMs, { onCommand: this.options.onCommand });
    // Errors after a failed command also arrive as events: without a listener they would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      client.close();
      throw mailError(err, `IMAP ${settings.imap.host}`);
    }
    try {
      return await run(client, settings);
    } catch (err) {
      throw mailError(err, what);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  async verify(ctx: AccountContext): Promise<NormalizedAuthor> {
    return this.imap(ctx, 'IMAP', async (_client, settings) => {
      if (ctx.remoteId && ctx.remoteId !== settings.address) throw new ConnectorError('auth', `These settings are for ${settings.address}, not for ${ctx.remoteId}.`);
      return { remoteId: settings.address, handle: settings.address, name: settings.address };
    });
  }

  async poll(ctx: AccountContext, rawCursor: string | null): Promise<PollResult> {
    const state = readCursor(rawCursor);
    return this.imap(ctx, 'IMAP read', async (client, settings) => {
      // Messages that leave the INBOX while it is open (QRESYNC reports them as VANISHED UIDs).
      const vanished = new Set<number>();
      const onExpunge = (event: { uid?: number; vanished?: boolean }) => {
        if (event.vanished && typeof event.uid === 'number') vanished.add(event.uid);
      };
      client.on('expunge', onExpunge);
      let outcome: PollResult;
      const lock = await client.getMailboxLock('INBOX', { readOnly: true });
      try {
        const mailbox = client.mailbox;
        if (!mailbox) throw new ConnectorError('bad-response', 'The server opened no INBOX.');
        const uidValidity = String(mailbox.uidValidity);
        const sameMailbox = state.uidValidity === uidValidity;
        const condstore = client.enabled.has('CONDSTORE') && !mailbox.noModseq && mailbox.highestModseq !== undefined;
        const modseq = condstore ? String(mailbox.highestModseq) : null;
        // Nothing added, flagged or removed since the last complete read: done (one EXAMINE).
        if (sameMailbox && modseq !== null && state.modseq === modseq) {
          return { items: [], cursor: null, hasMore: false, rateLimit: null, skipped: [] };
        }
        // A new UIDVALIDITY: the old UIDs mean nothing now, read from the start (Message-IDs dedupe).
        const lastUid = sameMailbox ? state.lastUid : 0;
        const found = mailbox.exists === 0 ? [] : ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || []);
        // `n:*` always includes the last message, even when its UID is below n.
        const pending = found.filter((uid) => uid > lastUid).sort((a, b) => a - b);
        const page = pending.slice(0, this.pageSize);
        const memory = new ThreadMemory(state.roots, this.options.memorySize ?? 2000);
        const uidMemory = new Map<number, string>(sameMailbox ? state.uids : []);
        const items: NormalizedItem[] = [];
        const skipped: PollResult['skipped'] = [];
        if (page.length > 0) {
          const maxBytes = this.options.maxMessageBytes ?? 25 * 1024 * 1024;
          const fetched: { uid: number; source: Buffer; internalDate: Date | null; structure: MessageStructureObject | null }[] = [];
          for await (const message of client.fetch(
            page.join(','),
            { uid: true, internalDate: true, bodyStructure: true, source: { start: 0, maxLength: maxBytes } },
            { uid: true },
          )) {
            if (!message.source) {
              skipped.push({ remoteId: `uid:${uidValidity}:${message.uid}`, reason: 'the server sent no source' });
              continue;
            }
            const date = message.internalDate ? new Date(message.internalDate) : null;
            fetched.push({ uid: message.uid, source: message.source, internalDate: date && !Number.isNaN(date.getTime()) ? date : null, structure: message.bodyStructure ?? null });
          }
          fetched.sort((a, b) => a.uid - b.uid);
          const imapUrlBase = `imap://${encodeURIComponent(settings.login)}@${settings.imap.host}:${settings.imap.port}`;
          for (const message of fetched) {
            const result = await readMessage(message, { mailbox: 'INBOX', uidValidity, ownAddress: settings.address, memory, imapUrlBase, now: this.now() });
            if (result.kind === 'item') {
              items.push(result.item);
              uidMemory.set(message.uid, result.item.remoteId);
            } else skipped.push({ remoteId: result.remoteId, reason: result.reason });
          }
        }
        const hasMore = pending.length > page.length;
        // Changes to messages already read, once caught up (the modseq then covers everything read).
        const deleted: NormalizedDeletion[] = [];
        let nextModseq = sameMailbox ? (state.modseq ?? null) : null;
        if (!hasMore && modseq !== null) {
          if (sameMailbox && state.modseq && lastUid > 0) {
            const flaggedDeleted: number[] = [];
            for await (const message of client.fetch(`1:${lastUid}`, { uid: true, flags: true }, { uid: true, changedSince: BigInt(state.modseq) })) {
              if (message.flags?.has('\\Deleted')) flaggedDeleted.push(message.uid);
            }
            const now = this.now();
            for (const uid of [...vanished, ...flaggedDeleted]) {
              const remoteId = uidMemory.get(uid);
              if (remoteId && !deleted.some((d) => d.remoteId === remoteId)) deleted.push({ remoteId, deletedAt: now });
              if (vanished.has(uid)) uidMemory.delete(uid);
            }
          }
          nextModseq = modseq;
        }
        const uidLimit = this.options.uidMemorySize ?? 1000;
        const next: EmailCursor = {
          v: 1,
          uidValidity,
          // Past the whole page, understood or not (a broken message must not block the mailbox).
          lastUid: page.length > 0 ? page[page.length - 1]! : lastUid,
          roots: memory.entries(),
          modseq: nextModseq,
          uids: [...uidMemory.entries()].sort((a, b) => a[0] - b[0]).slice(-uidLimit),
        };
        outcome = { items, cursor: JSON.stringify(next), hasMore, rateLimit: null, skipped, ...(deleted.length > 0 ? { deleted } : {}) };
      } finally {
        lock.release();
        client.off('expunge', onExpunge);
      }
      // Archived (by Parvis or a mail client) is not deleted: the conversation stays as it is.
      if (outcome.deleted) {
        const archived = await archivedIds(client, outcome.deleted.map((d) => d.remoteId));
        const { deleted: reported, ...rest } = outcome;
        const deleted = reported.filter((d) => !archived.has(d.remoteId));
        outcome = deleted.length > 0 ? { ...rest, deleted } : rest;
      }
      return outcome;
    });
  }

  async fetchAttachment(ctx: AccountContext, req: AttachmentRequest): Promise<AttachmentContent> {
    const where = /\/([^/;]{1,300});UIDVALIDITY=(\d{1,10})\/;UID=(\d{1,10})(?:\/;SECTION=([0-9]{1,4}(?:\.[0-9]{1,4}){0,20}))?$/.exec(req.attachment.url);
    if (!where) throw new ConnectorError('not-supported', 'This attachment was not listed from an IMAP mailbox.');
    const mailboxPath = decodeURIComponent(where[1]!);
    const [uidValidity, uid, section] = [where[2]!, Number(where[3]), where[4] ?? null];
    const extra = (req.messageExtra ?? {}) as Partial<EmailExtra>;
    const messageId = extra.messageId ?? req.messageRemoteId;
    // Messages without a Message-ID got one made of their UID: only the UID finds them.
    const madeUp = messageId.endsWith('.parvis.invalid>');
    const wanted = listedName(req.attachment.alt);
    return this.imap(ctx, 'IMAP attachment', async (client) =>
      withMailbox(client, mailboxPath, true, async () => {
        let uids: number[] = [];
        if (String(client.mailbox && client.mailbox.uidValidity) === uidValidity) {
          // The UID still names this message only if its Message-ID says so.
          uids = (await client.search(madeUp ? { uid: String(uid) } : { uid: String(uid), header: { 'message-id': messageId } }, { uid: true })) || [];
        }
        if (uids.length === 0 && !madeUp) uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
        if (uids.length === 0) throw new ConnectorError('not-supported', `This message is no longer in ${mailboxPath}: it was moved or deleted in another mail client.`);
        const target = String(uids[0]);
        const message = await client.fetchOne(target, { uid: true, bodyStructure: true }, { uid: true });
        const parts = message && message.bodyStructure ? attachmentParts(message.bodyStructure) : [];
        // The part listed, checked by its name; else the part of that name (listed before part ids were kept).
        const part = parts.find((p) => p.part === section && tidyText(p.filename, 200) === wanted) ?? parts.find((p) => tidyText(p.filename, 200) === wanted);
        if (!part) throw new ConnectorError('not-supported', `The message no longer has the attachment “${wanted}”.`);
        if (part.size > req.maxBytes) throw new ConnectorError('not-supported', `This attachment is larger than ${Math.round(req.maxBytes / 1024 / 1024)} MB: open it in a mail client.`);
        const download = await client.download(target, part.part, { uid: true, maxBytes: req.maxBytes + 1 });
        if (!download.content) throw new ConnectorError('not-supported', `The server did not send the attachment “${wanted}”.`);
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of download.content as AsyncIterable<Buffer>) {
          total += chunk.length;
          if (total > req.maxBytes) throw new ConnectorError('not-supported', `This attachment is larger than ${Math.round(req.maxBytes / 1024 / 1024)} MB: open it in a mail client.`);
          chunks.push(chunk);
        }
        return { filename: part.filename, contentType: part.contentType, content: Buffer.concat(chunks) };
      }),
    );
  }

  watch(ctx: AccountContext, onChange: () => void): AccountWatch {
    const settings = readSettings(ctx.credentials);
    // Asked at each (re)connection: an OAuth token is renewed in between.
    return new InboxWatch(settings, () => this.secret(ctx, settings), onChange, this.options);
  }

  async reply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult> {
    if (req.text.length > MAX_EMAIL_LENGTH) throw new ConnectorError('not-supported', `Parvis sends emails of at most ${MAX_EMAIL_LENGTH} characters.`);
    const parent = req.parentExtra as Partial<EmailExtra> | undefined;
    if (!parent?.messageId || !parent.replyTo) throw new ConnectorError('not-supported', 'This message has no address to answer (it was not read from the mailbox).');
    const settings = readSettings(ctx.credentials);
    const secret = await this.secret(ctx, settings);
    const messageId = replyMessageId(req.idempotencyKey, settings.address);
    const references = replyReferences({ messageId: parent.messageId, references: parent.references ?? [] });
    const date = new Date(this.now());
    const raw = await new MailComposer({
      from: settings.address,
      to: parent.replyTo,
      subject: replySubject(parent.subject ?? ''),
      text: req.text,
      messageId,
      inReplyTo: parent.messageId,
      references,
      date,
      headers: { 'Auto-Submitted': 'no' },
    })
      .compile()
      .build();

    const transport = smtpTransport(settings, secret, this.options.timeoutMs);
    try {
      await transport.sendMail({ envelope: { from: settings.address, to: [parent.replyTo] }, raw });
    } catch (err) {
      throw mailError(err, `SMTP ${settings.smtp.host}`);
    } finally {
      transport.close();
    }
    // The copy in Sent: the mail is gone already, so a failure here must not make the outbox send it again.
    await this.imap(ctx, 'IMAP append to Sent', async (client) => {
      const sent = specialFolder(await client.list(), '\\Sent', /^(sent|sent items|sent messages|envoy[ée]s|[ée]l[ée]ments envoy[ée]s)$/i);
      if (sent) await client.append(sent, raw, ['\\Seen'], date);
    }).catch(() => undefined);
    const extra: EmailExtra = {
      messageId,
      references,
      subject: replySubject(parent.subject ?? ''),
      replyTo: parent.replyTo,
      mailbox: 'Sent',
      uidValidity: '',
      uid: 0,
    };
    return { remoteId: messageId, permalink: null, createdAt: date.getTime(), extra: extra as unknown as Record<string, unknown> };
  }

  async findReply(ctx: AccountContext, req: ReplyRequest): Promise<ReplyResult | null> {
    const settings = readSettings(ctx.credentials);
    const messageId = replyMessageId(req.idempotencyKey, settings.address);
    return this.imap(ctx, 'IMAP search in Sent', async (client) => {
      const sent = specialFolder(await client.list(), '\\Sent', /^(sent|sent items|sent messages)$/i);
      if (!sent) return null;
      const lock = await client.getMailboxLock(sent, { readOnly: true });
      try {
        const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
        if (!found || found.length === 0) return null;
        return { remoteId: messageId, permalink: null, createdAt: this.now() };
      } finally {
        lock.release();
      }
    });
  }

  async moderate(ctx: AccountContext, req: ModerateRequest): Promise<{ remoteResult?: Record<string, unknown> }> {
    if (!this.capabilities.moderation.includes(req.action)) throw new ConnectorError('not-supported', UNSUPPORTED[req.action] ?? `Email does not support ${req.action}`);
    const extra = (req.messageExtra ?? {}) as Partial<EmailExtra>;
    const messageId = extra.messageId ?? req.messageRemoteId;
    return this.imap(ctx, 'IMAP move', async (client) => {
      const list = await client.list();
      const archive = archiveFolder(list);
      let created = false;
      let target: string | null;
      if (req.action === 'spam') target = specialFolder(list, '\\Junk', /^(junk|spam|junk e-?mail|courrier ind[ée]sirable|ind[ée]sirables)$/i);
      else if (req.action === 'remove') target = specialFolder(list, '\\Trash', /^(trash|deleted items|deleted messages|corbeille)$/i);
      else if (req.action === 'unarchive') target = 'INBOX';
      else if (archive) target = archive;
      else {
        // No archive folder yet: made where the server keeps personal folders (its namespace prefix).
        const prefix = client.namespace?.prefix ?? '';
        target = (await client.mailboxCreate(`${prefix}Archive`)).path;
        created = true;
      }
      if (!target) throw new ConnectorError('not-supported', req.action === 'spam' ? 'This mailbox has no Junk folder.' : 'This mailbox has no Trash folder.');
      const home = extra.mailbox || 'INBOX';
      // Where the message may be: where it was read, else the archive (archived earlier, from Parvis or a mail client).
      const sources =
        req.action === 'unarchive'
          ? archive && !created ? [archive] : []
          : [home, ...(archive && archive !== home && archive !== target ? [archive] : [])];
      for (const source of sources) {
        const moved = await withMailbox(client, source, false, async () => {
          let uids: number[] = [];
          if (source === home && extra.uid && String(client.mailbox && client.mailbox.uidValidity) === extra.uidValidity) {
            // The UID still names this message only if its Message-ID says so.
            uids = (await client.search({ uid: String(extra.uid), header: { 'message-id': messageId } }, { uid: true })) || [];
          }
          if (uids.length === 0) uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
          if (uids.length > 0) await client.messageMove(uids.join(','), target, { uid: true });
          return uids.length;
        });
        if (moved > 0) return { remoteResult: { folder: target, moved, ...(created ? { created: true } : {}) } };
      }
      // Already moved (an earlier attempt went through, or someone filed it): done if it is there.
      const there = await withMailbox(client, target, true, async () => ((await client.search({ header: { 'message-id': messageId } }, { uid: true })) || []).length);
      if (there > 0) return { remoteResult: { folder: target, alreadyThere: true, ...(created ? { created: true } : {}) } };
      throw new ConnectorError('not-supported', `This message is no longer in ${sources.join(' or ') || 'the archive'}: it was moved or deleted in another mail client.`);
    });
  }
}

/**
 * The push connection of one mailbox: the INBOX opened read-only and left in IDLE (imapflow
 * re-issues it every `maxIdleMs`). A new message, a flag change or a removal announced by the
 * server calls `onChange`; a lost connection is opened again after a growing delay (and calls
 * `onChange` once back, for what came meanwhile). Errors never surface: polling at the interval
 * goes on, and the poll is what tells the account's state.
 */
class InboxWatch implements AccountWatch {
  private client: ImapFlow | null = null;
  private closed = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private connectedOnce = false;

  constructor(
    private readonly settings: MailSettings,
    private readonly secret: () => Promise<MailSecret>,
    private readonly onChange: () => void,
    private readonly options: EmailConnectorOptions,
  ) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    let secret: MailSecret;
    try {
      secret = await this.secret();
    } catch {
      // No valid sign-in now: the next poll says so; try again later.
      this.retry();
      return;
    }
    if (this.closed) return;
    const client = imapClient(this.settings, secret, this.options.timeoutMs, { idle: true, maxIdleMs: this.options.maxIdleMs ?? 10 * 60_000 });
    this.client = client;
    client.on('error', () => undefined);
    const changed = () => {
      if (!this.closed && this.client === client) this.onChange();
    };
    client.on('exists', changed);
    client.on('expunge', changed);
    client.on('flags', changed);
    client.on('close', () => {
      if (this.client === client) this.client = null;
      this.retry();
    });
    try {
      await client.connect();
      await client.mailboxOpen('INBOX', { readOnly: true });
      if (this.closed) {
        await client.logout().catch(() => client.close());
        return;
      }
      this.failures = 0;
      // Back after a cut: what arrived meanwhile was announced to no one.
      if (this.connectedOnce) this.onChange();
      this.connectedOnce = true;
      await client.idle();
    } catch {
      client.close();
    }
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    const { baseMs, capMs } = this.options.watchBackoff ?? { baseMs: 2_000, capMs: 5 * 60_000 };
    const delay = backoffDelay(this.failures++, baseMs, capMs);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (client) await client.logout().catch(() => client.close());
  }
}

/** imapflow's and Nodemailer's `auth` for a password or an access token (XOAUTH2). */
function imapAuth(settings: MailSettings, secret: MailSecret) {
  return typeof secret === 'string' ? { user: settings.login, pass: secret } : { user: settings.login, accessToken: secret.accessToken };
}

export function imapClient(
  settings: MailSettings,
  secret: MailSecret,
  timeoutMs = 30_000,
  extra: { idle?: boolean; maxIdleMs?: number; onCommand?: (command: string) => void } = {},
): ImapFlow {
  const client = new ImapFlow({
    host: settings.imap.host,
    port: settings.imap.port,
    secure: settings.imap.security === 'tls',
    doSTARTTLS: settings.imap.security === 'starttls' ? true : undefined,
    auth: imapAuth(settings, secret),
    tls: tlsOptions(settings.imap),
    logger: false,
    // QRESYNC: messages that leave the INBOX are named by UID (VANISHED), where the server can.
    qresync: true,
    disableAutoIdle: !extra.idle,
    ...(extra.maxIdleMs ? { maxIdleTime: extra.maxIdleMs } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    // An idling connection is quiet by design: IDLE is re-issued well before this.
    socketTimeout: extra.idle ? Math.max(timeoutMs, (extra.maxIdleMs ?? 10 * 60_000) + 60_000) : Math.max(timeoutMs, 60_000),
    ...(extra.onCommand ? { logger: commandCounter(extra.onCommand) } : {}),
  });
  return client;
}

/** An imapflow logger that reports each command the client sends (its name only), nothing else. */
function commandCounter(onCommand: (command: string) => void) {
  const quiet = () => undefined;
  return {
    debug(entry: { src?: string; msg?: string }) {
      if (entry?.src === 'c' && typeof entry.msg === 'string') {
        const words = entry.msg.split(' ');
        // "<tag> <COMMAND> …", "DONE" (ends IDLE), or a continuation line: never its content
        // (an AUTHENTICATE continuation carries the password).
        if (words.length < 2) onCommand(words[0] === 'DONE' ? 'DONE' : '(continuation)');
        else if (words[1] === 'UID' && words[2]) onCommand(`UID ${words[2].toUpperCase()}`);
        else onCommand(words[1]!.toUpperCase());
      }
    },
    info: quiet,
    warn: quiet,
    error: quiet,
    trace: quiet,
    fatal: quiet,
  };
}

export function smtpTransport(settings: MailSettings, secret: MailSecret, timeoutMs = 30_000) {
  return nodemailer.createTransport({
    host: settings.smtp.host,
    port: settings.smtp.port,
    secure: settings.smtp.security === 'tls',
    requireTLS: settings.smtp.security === 'starttls',
    auth: typeof secret === 'string' ? { user: settings.login, pass: secret } : { type: 'OAuth2' as const, user: settings.login, accessToken: secret.accessToken },
    tls: tlsOptions(settings.smtp),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: Math.max(timeoutMs, 60_000),
  });
}

export function createEmailConnector(options: EmailConnectorOptions = {}): Connector {
  return new EmailConnector(options);
}

/** Checks a mailbox's IMAP and SMTP logins (nothing is sent: SMTP stops after AUTH). */
export async function checkMailbox(settings: MailSettings, secret: MailSecret, timeoutMs?: number): Promise<void> {
  const client = imapClient(settings, secret, timeoutMs);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw mailError(err, `IMAP ${settings.imap.host}`);
  }
  await client.logout().catch(() => client.close());
  const transport = smtpTransport(settings, secret, timeoutMs);
  try {
    await transport.verify();
  } catch (err) {
    throw mailError(err, `SMTP ${settings.smtp.host}`);
  } finally {
    transport.close();
  }
}

export type { ServerSettings };
