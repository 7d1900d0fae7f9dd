/**
 * Signing in to a mailbox with OAuth 2 (SASL XOAUTH2), as Gmail and Microsoft 365 want, against the
 * real Dovecot of e2e/real/harness/mail.ts with its `oauth2` passdb: Dovecot checks every access
 * token at the introspection endpoint of a local authorization server (harness/oauth-server.ts),
 * and Postfix's SMTP AUTH goes through Dovecot's SASL (or the stand-in asks the same endpoint).
 * - the "Sign in with Google" way: PKCE and loopback in the browser, then IMAP reads and SMTP
 *   sends with the token (the reply reaches the sender threaded, with a copy in Sent);
 * - the Microsoft preset: SMTP on the STARTTLS submission port, the Microsoft scopes asked;
 * - the token is renewed before it expires and the new one kept; a refused renewal, or a token
 *   the server no longer accepts, is "needs sign-in" (an `auth` error), never a silent failure;
 * - through Parvis's core: "Sign in with Google" (`accounts.connect` with `method: 'oauth'`) keeps
 *   only tokens in the keychain, mail arrives, and a refused renewal turns the account "needs sign-in".
 */
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../shared/contract';
import { accountSecretKey } from '../../electron/core/secrets/secret-store';
import { makeCore } from '../../electron/core/testing/core-fixture';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, waitFor } from '../networks/fixture';
import { mailbox as network } from '../../electron/core/connectors/mailbox/descriptor';
import { createEmailConnector } from '../../electron/core/connectors/mailbox/index';
import { REFRESH_AHEAD_MS } from '../../electron/core/connectors/mailbox/oauth';
import type { AccountContext, NormalizedItem } from '../../electron/core/connectors/types';
import { startRealMail, type MailUser, type RealMail } from './harness/mail';
import { startFakeAuthorizationServer, type FakeAuthorizationServer } from './harness/oauth-server';

let auth: FakeAuthorizationServer;
let mail: RealMail;

beforeAll(async () => {
  // One authorization server stands for Google's and Microsoft's (the mail server knows one introspection endpoint).
  auth = await startFakeAuthorizationServer({ scopes: ['https://mail.google.com/', 'https://outlook.office.com/IMAP.AccessAsUser.All'] });
  mail = await startRealMail({ oauth2IntrospectionUrl: auth.introspectionUrl });
});
afterAll(async () => {
  await mail?.stop();
  await auth?.stop();
});

function env(provider: 'google' | 'microsoft') {
  return {
    endpoints: {
      [`${provider}.authorize`]: auth.authorizeUrl,
      [`${provider}.token`]: auth.tokenUrl,
      [`${provider}.imap`]: `127.0.0.1:${mail.imapsPort}`,
      // Google's preset: implicit TLS (465); Microsoft's: STARTTLS (587).
      [`${provider}.smtp`]: `127.0.0.1:${provider === 'google' ? mail.smtpsPort : mail.submissionPort}`,
    },
    developerApp: async () => null,
  };
}

/** Signs in the way the user does: the dialog's form, the consent page in "the browser", the loopback. */
async function signInWith(provider: 'google' | 'microsoft', overrides: Record<string, unknown> = {}): Promise<AccountContext> {
  const spec = network.signIn.alternatives!.oauth!;
  const started = await spec.start({ email: mail.users.brand.address, provider, clientId: auth.clientId, certificate: mail.certificateFingerprint, ...overrides }, env(provider));
  if (started.kind !== 'browser') throw new Error('expected a browser sign-in');
  const consent = new URL(started.flow.authorizeUrl);
  // The browser follows the provider's redirect back to Parvis's loopback listener.
  const landed = await fetch(consent, { redirect: 'follow' });
  expect(landed.ok).toBe(true);
  const [result] = await started.flow.complete();
  return { accountId: 1, network: 'mailbox', serverUrl: result!.serverUrl, remoteId: result!.identity.remoteId, handle: result!.identity.handle, credentials: { ...result!.credentials } };
}

async function deliver(message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
  await transport.sendMail(message);
  transport.close();
  await mail.flushQueue();
}

async function folder(user: MailUser, path = 'INBOX') {
  const client = new ImapFlow({ host: '127.0.0.1', port: mail.imapsPort, secure: true, auth: { user: user.address, pass: user.password }, tls: { ca: mail.certificatePem }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock(path);
  const messages = [];
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

async function pollAll(connector: ReturnType<typeof createEmailConnector>, ctx: AccountContext, cursor: string | null) {
  const items: NormalizedItem[] = [];
  for (let i = 0; i < 50; i++) {
    const page = await connector.poll(ctx, cursor);
    items.push(...page.items);
    if (page.cursor !== null) cursor = page.cursor;
    if (!page.hasMore) return { items, cursor };
  }
  throw new Error('the mailbox never finished reading');
}

describe('a mailbox signed in with OAuth 2 (XOAUTH2)', () => {
  it('the connect dialog offers the password and the Google/Microsoft sign-in; the OAuth form asks no password', () => {
    expect(network.signIn.method).toBe('server-login');
    expect(Object.keys(network.signIn.alternatives ?? {})).toEqual(['oauth']);
    const fields = network.signIn.alternatives!.oauth!.fields.map((f) => f.name);
    expect(fields).toEqual(['email', 'provider', 'clientId', 'clientSecret', 'certificate']);
    expect(network.signIn.alternatives!.oauth!.fields.find((f) => f.name === 'provider')?.options).toEqual(['google', 'microsoft']);
  });

  it('signs in with Google (PKCE, loopback), reads over IMAP and answers over SMTP with the token; nothing but tokens is kept', async () => {
    const grantsBefore = auth.grants.length;
    const ctx = await signInWith('google');
    expect(ctx.credentials.password).toBeUndefined();
    expect(ctx.credentials).toMatchObject({ clientId: auth.clientId, accessToken: expect.any(String), refreshToken: expect.any(String), expiresAt: expect.stringMatching(/^\d+$/) });
    expect(JSON.parse(ctx.credentials.settings!)).toMatchObject({ address: 'contact@parvis.test', oauth: { provider: 'google', tokenUrl: auth.tokenUrl }, imap: { port: mail.imapsPort, security: 'tls' }, smtp: { port: mail.smtpsPort, security: 'tls' } });
    expect(auth.grants.slice(grantsBefore)).toEqual(['authorization_code']);
    expect(auth.scopesAsked.at(-1)).toEqual(['https://mail.google.com/']);

    const connector = createEmailConnector();
    const start = await pollAll(connector, ctx, null);
    await deliver({ from: 'Alice <alice@example.test>', to: 'contact@parvis.test', subject: 'Commande', messageId: '<oauth-1@example.test>', text: 'Où est ma commande ?' });
    const { items } = await pollAll(connector, ctx, start.cursor);
    expect(items.map((i) => i.remoteId)).toEqual(['<oauth-1@example.test>']);

    const introspected = auth.introspections.active;
    const sent = await connector.reply(ctx, { text: 'Elle part demain.', parentRemoteId: items[0]!.remoteId, conversationRemoteId: items[0]!.threadRemoteId, parentExtra: items[0]!.extra, idempotencyKey: 'oauth-reply-1' } as Parameters<typeof connector.reply>[1]);
    await mail.flushQueue();
    const received = (await folder(mail.users.alice)).find((m) => m.messageId === sent.remoteId);
    expect(received).toMatchObject({ inReplyTo: '<oauth-1@example.test>', subject: 'Re: Commande' });
    expect((await folder(mail.users.brand, 'Sent')).map((m) => m.messageId)).toContain(sent.remoteId);
    // The SMTP and IMAP logins were checked by the servers against the authorization server.
    expect(auth.introspections.active).toBeGreaterThanOrEqual(introspected + 2);
    // A made-up token is refused by the server: "needs sign-in".
    await expect(connector.poll({ ...ctx, credentials: { ...ctx.credentials, accessToken: 'not-a-token' } }, null)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('with the Microsoft preset: the Microsoft scopes asked, SMTP over STARTTLS (587)', async () => {
    const ctx = await signInWith('microsoft');
    expect(auth.scopesAsked.at(-1)).toEqual(['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send', 'offline_access']);
    expect(JSON.parse(ctx.credentials.settings!)).toMatchObject({ oauth: { provider: 'microsoft' }, smtp: { port: mail.submissionPort, security: 'starttls' } });
    const connector = createEmailConnector();
    const start = await pollAll(connector, ctx, null);
    await deliver({ from: 'bob@example.test', to: 'contact@parvis.test', subject: 'Retour', messageId: '<oauth-ms-1@example.test>', text: 'Je veux renvoyer un article.' });
    const { items } = await pollAll(connector, ctx, start.cursor);
    expect(items.map((i) => i.remoteId)).toEqual(['<oauth-ms-1@example.test>']);
    const sent = await connector.reply(ctx, { text: 'Voici l’étiquette.', parentRemoteId: items[0]!.remoteId, conversationRemoteId: items[0]!.threadRemoteId, parentExtra: items[0]!.extra, idempotencyKey: 'oauth-ms-reply-1' } as Parameters<typeof connector.reply>[1]);
    await mail.flushQueue();
    expect((await folder(mail.users.bob)).find((m) => m.messageId === sent.remoteId)).toMatchObject({ inReplyTo: '<oauth-ms-1@example.test>' });
  });

  it('renews the token before it expires and keeps the new one; a refused renewal or a dead token is "needs sign-in"', async () => {
    const ctx = await signInWith('google');
    const saved: Record<string, string>[] = [];
    ctx.onCredentialsRefreshed = async (c) => {
      saved.push(c);
    };
    const connector = createEmailConnector();
    const first = await pollAll(connector, ctx, null);

    // Within REFRESH_AHEAD_MS of its end: renewed before the login, the new token stored and used.
    const oldToken = ctx.credentials.accessToken!;
    ctx.credentials.expiresAt = String(Date.now() + REFRESH_AHEAD_MS - 30_000);
    auth.expireAccessTokens();
    const grantsBefore = auth.grants.length;
    await pollAll(connector, ctx, first.cursor);
    expect(auth.grants.slice(grantsBefore)).toEqual(['refresh_token']);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.accessToken).not.toBe(oldToken);
    expect(saved[0]!.refreshToken).toBe(ctx.credentials.refreshToken);
    expect(Number(saved[0]!.expiresAt)).toBeGreaterThan(Date.now() + REFRESH_AHEAD_MS);
    expect(ctx.credentials.accessToken).toBe(saved[0]!.accessToken);

    // A token the server no longer accepts (revoked at the provider), still "valid" by its date: the login is refused.
    auth.expireAccessTokens();
    await expect(connector.poll(ctx, first.cursor)).rejects.toMatchObject({ kind: 'auth' });

    // A push connection's older context gets the renewed token from the connector, not a second renewal.
    const grantsBeforeWatch = auth.grants.length;
    const older = { ...ctx, credentials: { ...ctx.credentials, accessToken: oldToken, expiresAt: String(Date.now() + REFRESH_AHEAD_MS - 30_000) } };
    await expect(connector.poll(older, first.cursor)).rejects.toMatchObject({ kind: 'auth' });
    expect(older.credentials.accessToken).toBe(saved[0]!.accessToken);
    expect(auth.grants.length).toBe(grantsBeforeWatch);

    // The renewal itself refused (refresh token revoked): needs sign-in, and nothing stored.
    auth.revokeRefreshTokens();
    ctx.credentials.expiresAt = String(Date.now() - 1_000);
    await expect(createEmailConnector().poll(ctx, first.cursor)).rejects.toMatchObject({ kind: 'auth' });
    expect(auth.grants.at(-1)).toBe('refresh_token');
    expect(auth.grants.length).toBe(grantsBeforeWatch + 1);
    expect(saved).toHaveLength(1);
  });

  it('through the core: connected with "Sign in with Google", only tokens in the keychain, mail arrives; a refused renewal is "needs sign-in"', async () => {
    const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
    const core = makeCore({ networks: { ...networks, endpoints: { ...networks.endpoints, mailbox: env('google').endpoints } }, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX });
    const statuses: SyncStatus[] = [];
    core.onEvent((event, payload) => {
      if (event === 'sync.status') statuses.push(payload as SyncStatus);
    });
    try {
      // The password way is still the first: an OAuth form sent without the method is refused as incomplete.
      await expect(callCore(core, 'accounts.connect', { network: 'mailbox', fields: { email: mail.users.brand.address, provider: 'google', clientId: auth.clientId } })).rejects.toMatchObject({ kind: 'invalid-input' });
      await expect(callCore(core, 'accounts.connect', { network: 'mailbox', method: 'nope', fields: {} })).rejects.toMatchObject({ kind: 'invalid-input' });
      const account = await connectAccount(core, { network: 'mailbox', method: 'oauth', fields: { email: mail.users.brand.address, provider: 'google', clientId: auth.clientId, certificate: mail.certificateFingerprint } });
      expect(account).toMatchObject({ network: 'mailbox', handle: 'contact@parvis.test', state: 'ok' });
      const stored = JSON.parse((await core.secrets.get(accountSecretKey(account.id)))!) as Record<string, string>;
      expect(stored).toMatchObject({ clientId: auth.clientId, accessToken: expect.any(String), refreshToken: expect.any(String) });
      expect(stored.password).toBeUndefined();
      expect(JSON.stringify(core.db.prepare('SELECT * FROM accounts').all())).not.toContain(stored.refreshToken!);

      await deliver({ from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Via Google', messageId: '<oauth-core-1@example.test>', text: 'Bonjour par OAuth' });
      await callCore(core, 'accounts.pollNow', { accountId: account.id });
      await waitFor('the email', () => core.db.prepare<[string], { id: number }>('SELECT id FROM messages WHERE remote_id = ?').get('<oauth-core-1@example.test>'));

      // The provider revokes Parvis (the user removed its access): the token dies, the renewal is refused.
      auth.revokeRefreshTokens();
      auth.expireAccessTokens();
      await core.secrets.set(accountSecretKey(account.id), JSON.stringify({ ...stored, expiresAt: String(Date.now() - 1_000) }));
      await callCore(core, 'accounts.pollNow', { accountId: account.id }).catch(() => undefined);
      await waitFor('needs sign-in', () => statuses.find((st) => st.accountId === account.id && st.state === 'needs-sign-in'), 15_000);
      expect((await callCore(core, 'accounts.list', {})).find((a) => a.id === account.id)).toMatchObject({ state: 'needs-sign-in', lastError: { kind: 'auth' } });
    } finally {
      await core.dispose();
    }
  });
});
