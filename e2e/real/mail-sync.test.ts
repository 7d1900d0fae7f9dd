/**
 * How the mailbox keeps up with the real Dovecot of e2e/real/harness/mail.ts:
 * - CONDSTORE: once read, a mailbox whose HIGHESTMODSEQ did not move costs one EXAMINE (no SEARCH,
 *   no FETCH); a message moved to the Trash or flagged \Deleted by another mail client is reported
 *   deleted on the next poll, and nothing else is touched (one filed into the archive folder is not
 *   deleted: its conversation stays, see mail-archive.test.ts);
 * - IDLE, through Parvis's real core with a poll interval of an hour: mail dropped over SMTP is in
 *   the inbox within seconds; after Dovecot restarts, the push connection comes back by itself;
 *   pausing the account closes it, removing the account too.
 */
import { execFileSync } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mailbox as network } from '../../electron/core/connectors/mailbox/descriptor';
import { createEmailConnector } from '../../electron/core/connectors/mailbox/index';
import type { AccountContext, NormalizedItem } from '../../electron/core/connectors/types';
import { makeCore } from '../../electron/core/testing/core-fixture';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, waitFor } from '../networks/fixture';
import { startRealMail, type RealMail } from './harness/mail';

let mail: RealMail;
const env = { endpoints: {}, developerApp: async () => null };

beforeAll(async () => {
  mail = await startRealMail();
});
afterAll(async () => {
  await mail?.stop();
});

const fields = () => ({
  email: mail.users.brand.address,
  password: mail.users.brand.password,
  imapHost: '127.0.0.1',
  imapSecurity: 'tls',
  imapPort: String(mail.imapsPort),
  smtpHost: '127.0.0.1',
  smtpSecurity: 'tls',
  smtpPort: String(mail.smtpsPort),
  certificate: mail.certificateFingerprint,
});

async function signIn(): Promise<AccountContext> {
  const started = await network.signIn.start(fields(), env);
  if (started.kind !== 'done') throw new Error('expected a direct sign-in');
  const result = started.results[0]!;
  return { accountId: 1, network: 'mailbox', serverUrl: result.serverUrl, remoteId: result.identity.remoteId, handle: result.identity.handle, credentials: result.credentials };
}

async function deliver(message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
  await transport.sendMail(message);
  transport.close();
  await mail.flushQueue();
}

/** What another mail client of the brand does in its mailbox. */
async function asAnotherClient(run: (client: ImapFlow) => Promise<void>): Promise<void> {
  const user = mail.users.brand;
  const client = new ImapFlow({ host: '127.0.0.1', port: mail.imapsPort, secure: true, auth: { user: user.address, pass: user.password }, tls: { ca: mail.certificatePem }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  try {
    await run(client);
  } finally {
    lock.release();
    await client.logout();
  }
}

async function uidOf(client: ImapFlow, messageId: string): Promise<number> {
  const found = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Established TCP connections from this process's side to Dovecot's IMAPS port. */
function imapConnections(): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${mail.imapsPort} )`], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim()).length;
}

describe('CONDSTORE: only what changed', () => {
  it('an unchanged mailbox costs one EXAMINE; a message moved to the Trash or flagged \\Deleted by another client is reported deleted, once', async () => {
    const commands: string[] = [];
    const connector = createEmailConnector({ onCommand: (c) => commands.push(c), pageSize: 2 });
    const ctx = await signIn();
    for (let i = 1; i <= 3; i++) {
      await deliver({ from: 'alice@example.test', to: 'contact@parvis.test', subject: `Commande ${i}`, messageId: `<modseq-${i}@example.test>`, text: `Où en est ma commande ${i} ?` });
    }
    let cursor: string | null = null;
    const items: NormalizedItem[] = [];
    for (let i = 0; i < 10; i++) {
      const page = await connector.poll(ctx, cursor);
      items.push(...page.items);
      expect(page.deleted ?? []).toEqual([]);
      cursor = page.cursor ?? cursor;
      if (!page.hasMore) break;
    }
    expect(items.map((i) => i.remoteId).filter((id) => id.startsWith('<modseq-'))).toEqual(['<modseq-1@example.test>', '<modseq-2@example.test>', '<modseq-3@example.test>']);
    expect(JSON.parse(cursor!).modseq).toMatch(/^\d+$/);

    // Nothing changed: no SEARCH, no FETCH, and the cursor stays as it is.
    commands.length = 0;
    const quiet = await connector.poll(ctx, cursor);
    expect(quiet).toMatchObject({ items: [], hasMore: false, cursor: null });
    expect(commands).toContain('EXAMINE');
    expect(commands.filter((c) => /SEARCH|FETCH/.test(c))).toEqual([]);

    // Another client moves one message to the Trash and flags another \Deleted; the third is only read.
    await asAnotherClient(async (client) => {
      await client.messageMove(String(await uidOf(client, '<modseq-1@example.test>')), 'Trash', { uid: true });
      await client.messageFlagsAdd(String(await uidOf(client, '<modseq-2@example.test>')), ['\\Deleted'], { uid: true });
      await client.messageFlagsAdd(String(await uidOf(client, '<modseq-3@example.test>')), ['\\Seen'], { uid: true });
    });
    const changed = await connector.poll(ctx, cursor);
    expect(changed.items).toEqual([]);
    expect((changed.deleted ?? []).map((d) => d.remoteId).sort()).toEqual(['<modseq-1@example.test>', '<modseq-2@example.test>']);
    cursor = changed.cursor ?? cursor;

    // Read again: the same changes are not reported twice, and a new message still arrives.
    commands.length = 0;
    const again = await connector.poll(ctx, cursor);
    expect(again).toMatchObject({ items: [], cursor: null });
    expect(commands.filter((c) => /SEARCH|FETCH/.test(c))).toEqual([]);
    await deliver({ from: 'bob@example.test', to: 'contact@parvis.test', subject: 'Retour', messageId: '<modseq-4@example.test>', text: 'Je voudrais retourner un article.' });
    const fresh = await connector.poll(ctx, cursor);
    expect(fresh.items.map((i) => i.remoteId)).toEqual(['<modseq-4@example.test>']);
    expect(fresh.deleted ?? []).toEqual([]);
  });
});

describe('Attachments, fetched only when asked', () => {
  it('each is listed with its IMAP part id and fetched alone, byte for byte; a message filed elsewhere says so', async () => {
    const connector = createEmailConnector();
    const ctx = await signIn();
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(70_000, 7)]);
    await deliver({
      from: 'alice@example.test',
      to: 'contact@parvis.test',
      subject: 'Facture et photo',
      messageId: '<att-1@example.test>',
      html: '<p>Voici <img src="cid:logo@x"></p>',
      attachments: [
        { filename: 'logo.png', content: Buffer.from('PNGDATA'), cid: 'logo@x', contentType: 'image/png' },
        { filename: 'facture.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'page.html', content: '<script>alert(1)</script>', contentType: 'text/html' },
      ],
    });
    let cursor: string | null = null;
    let found: NormalizedItem | undefined;
    for (let i = 0; i < 20 && !found; i++) {
      const page = await connector.poll(ctx, cursor);
      cursor = page.cursor ?? cursor;
      found = page.items.find((item) => item.remoteId === '<att-1@example.test>');
      if (!page.hasMore) break;
    }
    expect(found).toBeDefined();
    // The image shown inside the HTML is not listed; the two files are, each with its part id.
    const listed = found!.attachments!;
    // Sizes as the server counts them (encoded), brought back to the file's size.
    expect(listed[0]!.alt).toBe('facture.pdf (application/pdf, 68 KB)');
    expect(listed[1]!.alt).toMatch(/^page\.html \(text\/html, 2\d B\)$/);
    expect(listed).toHaveLength(2);
    expect(listed.map((a) => /;SECTION=([\d.]+)$/.exec(a.url)?.[1])).toEqual(['2', '3']);

    const request = (index: number, maxBytes = 25 * 1024 * 1024) => ({ messageRemoteId: found!.remoteId, messageExtra: found!.extra, attachment: listed[index]!, maxBytes });
    const file = await connector.fetchAttachment!(ctx, request(0));
    expect(file).toMatchObject({ filename: 'facture.pdf', contentType: 'application/pdf' });
    expect(file.content.equals(pdf)).toBe(true);
    const page = await connector.fetchAttachment!(ctx, request(1));
    expect(page.content.toString()).toBe('<script>alert(1)</script>');
    // Too large for what Parvis carries: refused before anything is downloaded.
    await expect(connector.fetchAttachment!(ctx, request(0, 10_000))).rejects.toMatchObject({ kind: 'not-supported', message: expect.stringContaining('larger than') });

    await asAnotherClient(async (client) => {
      await client.messageMove(String(await uidOf(client, '<att-1@example.test>')), 'Archive', { uid: true });
    });
    await expect(connector.fetchAttachment!(ctx, request(0))).rejects.toMatchObject({ kind: 'not-supported', message: expect.stringContaining('no longer in INBOX') });
  });
});

describe('IDLE through the core', () => {
  let core: ReturnType<typeof makeCore> | undefined;
  afterEach(async () => {
    await core?.dispose();
    core = undefined;
  });

  function stored(accountId: number, remoteId: string) {
    return core!.db.prepare<[number, string], { id: number; text: string }>('SELECT id, text FROM messages WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId);
  }

  it('with polls an hour apart, mail shows within seconds, again after Dovecot restarts; pause and removal close the connection', async () => {
    const c = makeCore({ ...networkWiring(localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' })), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
    core = c;
    await callCore(c, 'settings.set', { pollIntervalSeconds: 3600 });
    const account = await connectAccount(c, { network: 'mailbox', fields: fields() });
    await waitFor('the first poll', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt);
    // The poll's own connection has logged out; the one left is the push connection.
    await waitFor('the push connection', () => imapConnections() === 1 || null);
    const polls = () => c.db.prepare<[number], { last_poll_at: number }>('SELECT last_poll_at FROM accounts WHERE id = ?').get(account.id)!.last_poll_at;

    const sentAt = Date.now();
    await deliver({ from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Livraison', messageId: '<idle-1@example.test>', text: 'Mon colis est arrivé abîmé.' });
    const first = await waitFor('the email pushed', () => stored(account.id, '<idle-1@example.test>'), 8_000);
    expect(first.text).toContain('Mon colis est arrivé abîmé.');
    const firstDelay = Date.now() - sentAt;
    expect(firstDelay).toBeLessThan(8_000);

    // Dovecot restarts: the push connection comes back by itself, and mail shows within seconds again.
    await mail.restartImap();
    await waitFor('the push connection back', () => imapConnections() === 1 || null, 20_000);
    const before = polls();
    const sentAgainAt = Date.now();
    await deliver({ from: 'bob@example.test', to: 'contact@parvis.test', subject: 'Facture', messageId: '<idle-2@example.test>', text: 'Pouvez-vous m’envoyer la facture ?' });
    await waitFor('the email pushed after the restart', () => stored(account.id, '<idle-2@example.test>'), 8_000);
    expect(Date.now() - sentAgainAt).toBeLessThan(8_000);
    expect(polls()).toBeGreaterThan(before);

    // Paused: no connection is kept, and mail waits for the resume.
    await callCore(c, 'accounts.pause', { accountId: account.id });
    await waitFor('the push connection closed on pause', () => imapConnections() === 0 || null);
    await deliver({ from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Pause', messageId: '<idle-3@example.test>', text: 'Vous êtes là ?' });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(stored(account.id, '<idle-3@example.test>')).toBeUndefined();
    await callCore(c, 'accounts.resume', { accountId: account.id });
    await waitFor('the email after resume', () => stored(account.id, '<idle-3@example.test>'));
    await waitFor('the push connection after resume', () => imapConnections() === 1 || null);

    // Removed: the connection goes with the account.
    await callCore(c, 'accounts.remove', { accountId: account.id });
    await waitFor('the push connection closed on removal', () => imapConnections() === 0 || null);
  });
});
