/**
 * The mailbox network through Parvis's real core (connect flow, keychain, scheduler, ingest,
 * outbox) against the real Dovecot and Postfix of e2e/real/harness/mail.ts:
 * - an email arrives within one poll, in one conversation with its answers;
 * - a reply written in Parvis reaches the sender's mailbox with the threading headers;
 * - a password changed on the server turns the account "needs sign-in", the queued reply waits
 *   (nothing is lost), and goes out once the user signs in again, to the same account.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { SyncStatus } from '../../shared/contract';
import { accountSecretKey } from '../../electron/core/secrets/secret-store';
import { makeCore } from '../../electron/core/testing/core-fixture';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, waitFor } from '../networks/fixture';
import { startRealMail, type MailUser, type RealMail } from './harness/mail';

let mail: RealMail;
let core: ReturnType<typeof makeCore> | undefined;
let statuses: SyncStatus[] = [];

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

function startCore() {
  const c = makeCore({ ...networkWiring(localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' })), syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
  statuses = [];
  c.onEvent((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  core = c;
  return c;
}

const fields = () => ({
  email: mail.users.brand.address,
  password: mail.users.brand.password,
  imapHost: '127.0.0.1',
  imapSecurity: 'tls',
  imapPort: String(mail.imapsPort),
  smtpHost: '127.0.0.1',
  smtpSecurity: 'starttls',
  smtpPort: String(mail.submissionPort),
  certificate: mail.certificateFingerprint,
});

async function deliver(message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
  await transport.sendMail(message);
  transport.close();
  await mail.flushQueue();
}

async function inbox(user: MailUser): Promise<ParsedMail[]> {
  const client = new ImapFlow({ host: '127.0.0.1', port: mail.imapsPort, secure: true, auth: { user: user.address, pass: user.password }, tls: { ca: mail.certificatePem }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  const messages: ParsedMail[] = [];
  try {
    if (client.mailbox && client.mailbox.exists > 0) {
      for await (const m of client.fetch('1:*', { source: true })) messages.push(await simpleParser(m.source!));
    }
  } finally {
    lock.release();
    await client.logout();
  }
  return messages;
}

function stored(accountId: number, remoteId: string) {
  return core!.db
    .prepare<[number, string], { id: number; conversation_id: number; text: string }>('SELECT id, conversation_id, text FROM messages WHERE account_id = ? AND remote_id = ?')
    .get(accountId, remoteId);
}

it('an email arrives within one poll; the reply from Parvis lands in the sender’s mailbox, threaded; the answer to it joins the conversation', async () => {
  const c = startCore();
  const account = await connectAccount(c, { network: 'mailbox', fields: fields() });
  expect(account).toMatchObject({ network: 'mailbox', handle: 'contact@parvis.test', state: 'ok' });
  // The password is in the keychain only.
  expect(JSON.parse((await c.secrets.get(accountSecretKey(account.id)))!)).toMatchObject({ password: mail.users.brand.password });
  expect(JSON.stringify(c.db.prepare('SELECT * FROM accounts').all())).not.toContain(mail.users.brand.password);
  await waitFor('the first poll', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.lastPollAt);

  await deliver({ from: 'Alice Martin <alice@example.test>', to: 'contact@parvis.test', subject: 'Lampe Dune', messageId: '<core-1@example.test>', text: 'Ma lampe Dune clignote, que faire ?' });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const question = await waitFor('the email', () => stored(account.id, '<core-1@example.test>'));
  expect(question.text).toBe('Lampe Dune\n\nMa lampe Dune clignote, que faire ?');

  const { messageId } = await callCore(c, 'reply.send', { conversationId: question.conversation_id, text: 'Bonjour Alice, débranchez-la dix secondes.' });
  const answer = await waitFor('the reply in Alice’s mailbox', async () => {
    await mail.flushQueue();
    return (await inbox(mail.users.alice)).find((m) => m.text?.trim() === 'Bonjour Alice, débranchez-la dix secondes.');
  });
  expect(answer).toMatchObject({ inReplyTo: '<core-1@example.test>', references: '<core-1@example.test>', subject: 'Re: Lampe Dune' });
  const sent = await waitFor('the reply marked sent', () =>
    c.db.prepare<[number], { remote_id: string; state: string }>('SELECT m.remote_id, o.state FROM messages m JOIN outbox o ON o.id = m.outbox_id WHERE m.id = ?').get(messageId)?.state === 'sent'
      ? c.db.prepare<[number], { remote_id: string }>('SELECT remote_id FROM messages WHERE id = ?').get(messageId)
      : null,
  );
  expect(sent.remote_id).toBe(answer.messageId);

  await deliver({ from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Re: Re: Lampe Dune', messageId: '<core-2@example.test>', inReplyTo: answer.messageId, references: ['<core-1@example.test>', answer.messageId!], text: 'Ça marche, merci !' });
  await callCore(c, 'accounts.pollNow', { accountId: account.id });
  const thanks = await waitFor('the answer to the reply', () => stored(account.id, '<core-2@example.test>'));
  expect(thanks.conversation_id).toBe(question.conversation_id);
});

it('a password changed on the server turns the mailbox "needs sign-in"; the reply waits and goes out after signing in again to the same account', async () => {
  const c = startCore();
  await deliver({ from: 'bob@example.test', to: 'contact@parvis.test', subject: 'Commande 48213', messageId: '<core-3@example.test>', text: 'Où en est ma commande ?' });
  const account = await connectAccount(c, { network: 'mailbox', fields: fields() });
  const question = await waitFor('the email', () => stored(account.id, '<core-3@example.test>'));

  const oldPassword = mail.users.brand.password;
  await mail.setPassword(mail.users.brand, 'a-new-mailbox-password');
  try {
    await callCore(c, 'accounts.pollNow', { accountId: account.id });
    await waitFor('needs sign-in', () => statuses.find((s) => s.accountId === account.id && s.state === 'needs-sign-in'), 15_000);
    const listed = (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id);
    expect(listed).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth' } });

    const { messageId } = await callCore(c, 'reply.send', { conversationId: question.conversation_id, text: 'Elle part demain.' });
    const outbox = () => c.db.prepare<[number], { state: string; attempts: number }>('SELECT o.state, o.attempts FROM outbox o JOIN messages m ON m.outbox_id = o.id WHERE m.id = ?').get(messageId);
    // Dovecot answers a wrong password after its auth_failure_delay (2 s), and Postfix adds its own pause.
    await waitFor('the reply waiting', () => outbox()?.state === 'failed', 20_000);
    expect(outbox()).toMatchObject({ state: 'failed', attempts: 0 });
    await mail.flushQueue();
    expect((await inbox(mail.users.bob)).filter((m) => m.text?.trim() === 'Elle part demain.')).toEqual([]);

    const again = await connectAccount(c, { network: 'mailbox', fields: { ...fields(), password: 'a-new-mailbox-password' } });
    expect(again.id).toBe(account.id);
    const delivered = await waitFor('the reply delivered', async () => {
      await mail.flushQueue();
      const found = (await inbox(mail.users.bob)).filter((m) => m.text?.trim() === 'Elle part demain.');
      return found.length > 0 ? found : null;
    }, 15_000);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.inReplyTo).toBe('<core-3@example.test>');
    await waitFor('the account back to ok', async () => (await callCore(c, 'accounts.list', {})).find((a) => a.id === account.id)?.state === 'ok');
  } finally {
    await mail.setPassword(mail.users.brand, oldPassword);
  }
});
