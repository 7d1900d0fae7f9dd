/**
 * "Sign in with Google" for a mailbox through the UI (web mode), against the real Dovecot and
 * Postfix of e2e/real/harness/mail.ts with its `oauth2` passdb, and the local authorization server
 * of e2e/real/harness/oauth-server.ts standing for Google's: the dialog offers the choice, the
 * consent page opens in the browser and comes back to Parvis's loopback, the mailbox connects with
 * no password, an email arrives and the answer reaches the sender's real mailbox over SMTP XOAUTH2.
 */
import { expect } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { accountSecretKey } from '../electron/core/secrets/secret-store';
import { startRealMail, type MailUser, type RealMail } from './real/harness/mail';
import { startFakeAuthorizationServer, type FakeAuthorizationServer } from './real/harness/oauth-server';
import { STATIC_DIR } from './fixtures';
import { networkedTest } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, localEndpoints, startNetworkedWebMode, waitFor } from './networks/fixture';

const test = networkedTest.extend<{ auth: FakeAuthorizationServer; mail: RealMail }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  auth: async ({}, use) => {
    const auth = await startFakeAuthorizationServer({ scopes: ['https://mail.google.com/'] });
    await use(auth);
    await auth.stop();
  },
  mail: async ({ auth }, use) => {
    const mail = await startRealMail({ oauth2IntrospectionUrl: auth.introspectionUrl });
    await use(mail);
    await mail.stop();
  },
  mode: async ({ auth, mail }, use) => {
    const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
    // Google's sign-in and servers, here: the local authorization server and the private Dovecot/Postfix.
    const mailbox = { 'google.authorize': auth.authorizeUrl, 'google.token': auth.tokenUrl, 'google.imap': `127.0.0.1:${mail.imapsPort}`, 'google.smtp': `127.0.0.1:${mail.smtpsPort}` };
    const mode = await startNetworkedWebMode({ endpoints: { ...networks, endpoints: { ...networks.endpoints, mailbox } } }, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
    await use(mode);
    await mode.close();
  },
});

test.setTimeout(120_000);

async function inbox(mail: RealMail, user: MailUser): Promise<ParsedMail[]> {
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

test('a mailbox connected with "Sign in with Google" reads mail and answers over XOAUTH2, with no password anywhere', async ({ app: page, context, mode, auth, mail }) => {
  await page.getByTestId('empty-connect').click();
  await page.locator('[data-network="mailbox"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await dialog.getByRole('radio', { name: 'Se connecter avec Google ou Microsoft' }).check();
  await dialog.getByLabel('Adresse électronique').fill(mail.users.brand.address);
  await expect(dialog.getByLabel('Fournisseur de messagerie')).toHaveValue('google');
  await dialog.getByLabel('ID client de votre application OAuth').fill(auth.clientId);
  // The private server's own certificate, accepted by its fingerprint as in the password way.
  await dialog.getByText('Identifiant, ports et certificat').click();
  await dialog.getByLabel('Accepter ce certificat du serveur (empreinte SHA-256)').fill(mail.certificateFingerprint);
  const [consent] = await Promise.all([context.waitForEvent('page'), dialog.getByRole('button', { name: 'Continuer dans le navigateur' }).click()]);
  await consent.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/);
  await consent.close();
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();

  const [account] = await mode.core.handlers['accounts.list']({});
  expect(account).toMatchObject({ network: 'mailbox', handle: 'contact@parvis.test', state: 'ok' });
  const stored = JSON.parse((await mode.core.secrets.get(accountSecretKey(account!.id)))!) as Record<string, string>;
  expect(stored).toMatchObject({ clientId: auth.clientId, refreshToken: expect.any(String) });
  expect(stored.password).toBeUndefined();

  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
  await transport.sendMail({ from: 'Alice Martin <alice@example.test>', to: 'contact@parvis.test', subject: 'Commande 4410', messageId: '<ui-oauth-1@example.test>', text: 'Bonjour, où en est ma commande 4410 ?' });
  transport.close();
  await mail.flushQueue();
  await mode.core.handlers['accounts.pollNow']({ accountId: account!.id });
  // The dialog left the user on the accounts screen: back to the inbox.
  await page.keyboard.press('Escape');
  const row = page.getByTestId('conversation-list').getByRole('option', { name: /où en est ma commande 4410/ });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.click();
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  const answer = 'Bonjour Alice, elle part demain matin.';
  await page.keyboard.type(answer);
  await page.keyboard.press('Control+Enter');
  const received = await waitFor(
    'the answer in Alice’s mailbox',
    async () => {
      await mail.flushQueue();
      return (await inbox(mail, mail.users.alice)).find((m) => m.text?.trim() === answer);
    },
    20_000,
  );
  expect(received).toMatchObject({ inReplyTo: '<ui-oauth-1@example.test>', subject: 'Re: Commande 4410' });
  // Every login was the token's, checked by the mail server at the authorization server.
  expect(auth.introspections.active).toBeGreaterThan(0);
});
