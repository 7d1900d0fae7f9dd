/**
 * Archiving email against the real Dovecot and Postfix of e2e/real/harness/mail.ts:
 * - the connector moves a message to the special-use `\Archive` folder (RFC 6154) and back to the
 *   INBOX, as IMAP sees it; doing it again changes nothing; the next poll neither reports the
 *   archived message as new nor as deleted;
 * - through Parvis's core: an archive is held with Undo (undone in time, nothing moves), then
 *   leaves; the conversation keeps its message after the next polls, marked archived, and
 *   "move back to the inbox" brings it back without doubling it;
 * - on a server without an archive folder, the first archive creates "Archive" and says so.
 */
import { ImapFlow } from 'imapflow';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCore } from '../../electron/core/testing/core-fixture';
import { mailbox as network } from '../../electron/core/connectors/mailbox/descriptor';
import { createEmailConnector } from '../../electron/core/connectors/mailbox/index';
import type { AccountContext, ModerateRequest, NormalizedItem } from '../../electron/core/connectors/types';
import { MODERATION_UNDO_WINDOW_MS } from '../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, waitFor } from '../networks/fixture';
import { startRealMail, type MailUser, type RealMail } from './harness/mail';

const env = { endpoints: {}, developerApp: async () => null };

function form(mail: RealMail) {
  return {
    email: mail.users.brand.address,
    password: mail.users.brand.password,
    imapHost: '127.0.0.1',
    imapSecurity: 'tls',
    imapPort: String(mail.imapsPort),
    smtpHost: '127.0.0.1',
    smtpSecurity: 'tls',
    smtpPort: String(mail.smtpsPort),
    certificate: mail.certificateFingerprint,
  };
}

async function signIn(mail: RealMail): Promise<AccountContext> {
  const started = await network.signIn.start(form(mail), env);
  if (started.kind !== 'done') throw new Error('expected a direct sign-in');
  const result = started.results[0]!;
  return { accountId: 1, network: 'mailbox', serverUrl: result.serverUrl, remoteId: result.identity.remoteId, handle: result.identity.handle, credentials: result.credentials };
}

async function deliver(mail: RealMail, message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
  await transport.sendMail(message);
  transport.close();
  await mail.flushQueue();
}

/** The Message-IDs in each folder of a user's mailbox, and the folders' special uses, as their own mail client sees them. */
async function folders(mail: RealMail, user: MailUser) {
  const client = new ImapFlow({ host: '127.0.0.1', port: mail.imapsPort, secure: true, auth: { user: user.address, pass: user.password }, tls: { ca: mail.certificatePem }, logger: false });
  await client.connect();
  const out = new Map<string, { specialUse: string | null; ids: string[] }>();
  try {
    for (const folder of await client.list()) {
      const lock = await client.getMailboxLock(folder.path, { readOnly: true });
      const ids: string[] = [];
      try {
        if (client.mailbox && client.mailbox.exists > 0) {
          for await (const m of client.fetch('1:*', { envelope: true })) ids.push(m.envelope?.messageId ?? '');
        }
      } finally {
        lock.release();
      }
      out.set(folder.path, { specialUse: folder.specialUse ?? null, ids });
    }
  } finally {
    await client.logout();
  }
  return out;
}

async function pollAll(connector: ReturnType<typeof createEmailConnector>, ctx: AccountContext, cursor: string | null) {
  const items: NormalizedItem[] = [];
  const deleted: string[] = [];
  for (let i = 0; i < 50; i++) {
    const page = await connector.poll(ctx, cursor);
    items.push(...page.items);
    deleted.push(...(page.deleted ?? []).map((d) => d.remoteId));
    if (page.cursor !== null) cursor = page.cursor;
    if (!page.hasMore) return { items, deleted, cursor };
  }
  throw new Error('the mailbox never finished reading');
}

function request(item: NormalizedItem, action: ModerateRequest['action']): ModerateRequest {
  return {
    action,
    messageRemoteId: item.remoteId,
    authorRemoteId: item.author.remoteId,
    conversationRemoteId: item.threadRemoteId,
    messageExtra: item.extra,
    idempotencyKey: `mod-${action}-${item.remoteId}`,
  } as ModerateRequest;
}

describe('a server with a special-use Archive folder', () => {
  let mail: RealMail;
  let core: ReturnType<typeof makeCore> | undefined;
  beforeAll(async () => {
    mail = await startRealMail();
  });
  afterAll(async () => {
    await mail?.stop();
  });
  afterEach(async () => {
    await core?.dispose();
    core = undefined;
  });

  it('archive moves the message to \\Archive and unarchive back to the INBOX, as IMAP sees it; again changes nothing; the next poll neither reports it new nor deleted', async () => {
    const ctx = await signIn(mail);
    const connector = createEmailConnector();
    const start = await pollAll(connector, ctx, null);
    await deliver(mail, { from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Facture 2291', messageId: '<archive-1@example.test>', text: 'Voici la facture, merci !' });
    await deliver(mail, { from: 'bob@example.test', to: 'contact@parvis.test', subject: 'Question', messageId: '<archive-2@example.test>', text: 'Vous livrez à Lyon ?' });
    const read = await pollAll(connector, ctx, start.cursor);
    const [invoice, question] = read.items;
    expect(invoice?.remoteId).toBe('<archive-1@example.test>');
    expect(question?.remoteId).toBe('<archive-2@example.test>');

    expect(await connector.moderate(ctx, request(invoice!, 'archive'))).toEqual({ remoteResult: { folder: 'Archive', moved: 1 } });
    let seen = await folders(mail, mail.users.brand);
    expect(seen.get('Archive')).toEqual({ specialUse: '\\Archive', ids: ['<archive-1@example.test>'] });
    expect(seen.get('INBOX')!.ids).not.toContain('<archive-1@example.test>');
    expect(seen.get('INBOX')!.ids).toContain('<archive-2@example.test>');

    // Again (a retry after a lost answer): already there, nothing else moved, no copy made.
    expect(await connector.moderate(ctx, request(invoice!, 'archive'))).toEqual({ remoteResult: { folder: 'Archive', alreadyThere: true } });
    seen = await folders(mail, mail.users.brand);
    expect(seen.get('Archive')!.ids).toEqual(['<archive-1@example.test>']);
    expect(seen.get('INBOX')!.ids).toContain('<archive-2@example.test>');

    // The next poll: the archived message left the INBOX, but it is neither new nor deleted.
    const after = await pollAll(connector, ctx, read.cursor);
    expect(after.items).toEqual([]);
    expect(after.deleted).toEqual([]);

    // A message removed to the Trash is still reported deleted (it left for good, not to the archive).
    expect(await connector.moderate(ctx, request(question!, 'remove'))).toEqual({ remoteResult: { folder: 'Trash', moved: 1 } });
    const removed = await pollAll(connector, ctx, after.cursor);
    expect(removed.deleted).toEqual(['<archive-2@example.test>']);

    // Back to the inbox: out of Archive, in the INBOX once; again changes nothing.
    expect(await connector.moderate(ctx, request(invoice!, 'unarchive'))).toEqual({ remoteResult: { folder: 'INBOX', moved: 1 } });
    expect(await connector.moderate(ctx, request(invoice!, 'unarchive'))).toEqual({ remoteResult: { folder: 'INBOX', alreadyThere: true } });
    seen = await folders(mail, mail.users.brand);
    expect(seen.get('Archive')!.ids).toEqual([]);
    expect(seen.get('INBOX')!.ids.filter((id) => id === '<archive-1@example.test>')).toHaveLength(1);
    // It comes back under a new UID with the same Message-ID: the store's key, so it is not a second message.
    const back = await pollAll(connector, ctx, removed.cursor);
    expect(back.items.map((i) => i.remoteId)).toEqual(['<archive-1@example.test>']);
    expect(back.deleted).toEqual([]);
  });

  it('through the core: archive is held with Undo; once sent, the conversation keeps its message, marked archived, and comes back to the inbox without doubling', async () => {
    const c = makeCore({ ...networkWiring(localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' })), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
    core = c;
    await deliver(mail, { from: 'Alice Martin <alice@example.test>', to: 'contact@parvis.test', subject: 'Merci', messageId: '<archive-core-1@example.test>', text: 'Tout est arrivé, merci !' });
    const account = await connectAccount(c, { network: 'mailbox', fields: form(mail) });
    const row = () =>
      c.db
        .prepare<[number, string], { id: number; conversation_id: number; archived: number; deleted_at: number | null }>('SELECT id, conversation_id, archived, deleted_at FROM messages WHERE account_id = ? AND remote_id = ?')
        .all(account.id, '<archive-core-1@example.test>');
    const [message] = await waitFor('the email', () => (row().length > 0 ? row() : null));
    // One complete poll: asked now, and seen finished (the account's last poll is later than the ask).
    const pollOnce = async () => {
      const asked = Date.now();
      await callCore(c, 'accounts.pollNow', { accountId: account.id });
      await waitFor('a poll', async () => (((await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt ?? 0) > asked ? true : null), 15_000);
    };
    const inArchive = async () => ((await folders(mail, mail.users.brand)).get('Archive')?.ids ?? []).includes('<archive-core-1@example.test>');
    const detail = async () => (await callCore(c, 'conversation.get', { conversationId: message!.conversation_id })).messages.find((m) => m.id === message!.id);

    // Archived by hand: held a few seconds, and undone in time nothing moves on the server.
    const first = await callCore(c, 'moderation.act', { messageId: message!.id, action: 'archive' });
    expect(first.undoUntil).not.toBeNull();
    expect((await detail())?.archived).toBe(true);
    await callCore(c, 'moderation.undo', { actionIds: [first.actionId] });
    expect((await detail())?.archived).toBeUndefined();
    await new Promise((r) => setTimeout(r, MODERATION_UNDO_WINDOW_MS + 1_000));
    expect(await inArchive()).toBe(false);

    // Archived again and left alone: it reaches the Archive folder.
    await callCore(c, 'moderation.act', { messageId: message!.id, action: 'archive' });
    await waitFor('the message in Archive', async () => ((await inArchive()) ? true : null), 20_000);
    // The next polls: the message stays in its conversation, archived, not deleted, not doubled.
    await pollOnce();
    await pollOnce();
    expect(row()).toEqual([{ id: message!.id, conversation_id: message!.conversation_id, archived: 1, deleted_at: null }]);
    expect((await detail())?.archived).toBe(true);

    // Back to the inbox: not held (it is the way back), in the INBOX again, one message still.
    const back = await callCore(c, 'moderation.act', { messageId: message!.id, action: 'unarchive' });
    expect(back.undoUntil).toBeNull();
    await waitFor('the message back in the INBOX', async () => (((await folders(mail, mail.users.brand)).get('INBOX')?.ids ?? []).includes('<archive-core-1@example.test>') ? true : null), 20_000);
    await pollOnce();
    expect(row()).toEqual([{ id: message!.id, conversation_id: message!.conversation_id, archived: 0, deleted_at: null }]);
    expect(await inArchive()).toBe(false);
  });
});

describe('a server without an archive folder', () => {
  let mail: RealMail;
  beforeAll(async () => {
    mail = await startRealMail({ archiveFolder: false });
  });
  afterAll(async () => {
    await mail?.stop();
  });

  it('the first archive creates an "Archive" folder and says so; the next ones use it', async () => {
    const ctx = await signIn(mail);
    const connector = createEmailConnector();
    expect([...(await folders(mail, mail.users.brand)).keys()]).not.toContain('Archive');
    const start = await pollAll(connector, ctx, null);
    await deliver(mail, { from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Un', messageId: '<plain-1@example.test>', text: 'un' });
    await deliver(mail, { from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Deux', messageId: '<plain-2@example.test>', text: 'deux' });
    const read = await pollAll(connector, ctx, start.cursor);
    const [one, two] = read.items;
    expect(await connector.moderate(ctx, request(one!, 'archive'))).toEqual({ remoteResult: { folder: 'Archive', moved: 1, created: true } });
    expect(await connector.moderate(ctx, request(two!, 'archive'))).toEqual({ remoteResult: { folder: 'Archive', moved: 1 } });
    const seen = await folders(mail, mail.users.brand);
    expect(seen.get('Archive')!.ids.sort()).toEqual(['<plain-1@example.test>', '<plain-2@example.test>']);
    expect(seen.get('INBOX')!.ids).toEqual([]);
    // Found by its name: the next poll does not take them for deleted.
    const after = await pollAll(connector, ctx, read.cursor);
    expect(after.deleted).toEqual([]);
    expect(after.items).toEqual([]);
  });
});
