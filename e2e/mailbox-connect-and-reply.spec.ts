/**
 * A shared mailbox through the UI (web mode) against a real Dovecot and Postfix (started for this
 * spec by e2e/real/harness/mail.ts, as `npm run test:real` does): the mailbox is connected in the
 * dialog (its self-signed certificate refused until its fingerprint is entered), an email and a
 * hostile HTML email arrive, the hostile one shows as harmless text with no request to its remote
 * images, and the answer written in Parvis lands in the sender's real mailbox, threaded; the
 * dialog offers the password or the Google/Microsoft sign-in; an email archived from the message
 * menu waits a few seconds with Undo, then IMAP sees it in the Archive folder, and it stays in
 * its conversation.
 */
import { expect } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { startRealMail, type MailUser, type RealMail } from './real/harness/mail';
import { STATIC_DIR } from './fixtures';
import { networkedTest } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, localEndpoints, startNetworkedWebMode, waitFor } from './networks/fixture';

const test = networkedTest.extend<{ mail: RealMail }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  mail: async ({}, use) => {
    const mail = await startRealMail();
    await use(mail);
    await mail.stop();
  },
  mode: async ({ mail }, use) => {
    // The mailbox is reached at the addresses typed in the dialog; the other networks are never reached.
    void mail;
    const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
    const mode = await startNetworkedWebMode({ endpoints: networks }, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
    await use(mode);
    await mode.close();
  },
});

test.setTimeout(120_000);

async function deliver(mail: RealMail, message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
  await transport.sendMail(message);
  transport.close();
  await mail.flushQueue();
}

async function inbox(mail: RealMail, user: MailUser, path = 'INBOX'): Promise<ParsedMail[]> {
  const client = new ImapFlow({ host: '127.0.0.1', port: mail.imapsPort, secure: true, auth: { user: user.address, pass: user.password }, tls: { ca: mail.certificatePem }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock(path);
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

test('a mailbox connected with its servers brings an email and a hostile one made harmless, and the answer lands in the sender’s mailbox, threaded', async ({ app: page, mail }) => {
  const remote: string[] = [];
  page.on('request', (request) => {
    if (/tracker\.example|evil\.example/.test(request.url())) remote.push(request.url());
  });

  await page.getByTestId('empty-connect').click();
  await page.locator('[data-network="mailbox"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByRole('heading', { name: 'Connecter une boîte aux lettres' })).toBeVisible();
  // Two ways to sign in: the password (chosen), or Google/Microsoft with the user's own OAuth app.
  await expect(dialog.getByRole('radio', { name: 'Avec un mot de passe' })).toBeChecked();
  await dialog.getByRole('radio', { name: 'Se connecter avec Google ou Microsoft' }).check();
  await expect(dialog.getByLabel('Fournisseur de messagerie')).toHaveValue('google');
  await expect(dialog.getByLabel('ID client de votre application OAuth')).toBeVisible();
  await expect(dialog.getByLabel('Mot de passe', { exact: true })).toHaveCount(0);
  await dialog.getByRole('radio', { name: 'Avec un mot de passe' }).check();
  await dialog.getByLabel('Adresse électronique').fill(mail.users.brand.address);
  await dialog.getByLabel('Mot de passe', { exact: true }).fill(mail.users.brand.password);
  await dialog.getByLabel('Serveur de réception (IMAP)').fill('127.0.0.1');
  await expect(dialog.getByLabel('Chiffrement en réception')).toHaveValue('tls');
  await dialog.getByLabel('Serveur d’envoi (SMTP)').fill('127.0.0.1');
  await dialog.getByLabel('Chiffrement à l’envoi').selectOption({ label: 'STARTTLS (port 587)' });
  await dialog.getByText('Identifiant, ports et certificat').click();
  await dialog.getByLabel('Port IMAP').fill(String(mail.imapsPort));
  await dialog.getByLabel('Port SMTP').fill(String(mail.submissionPort));
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  // The self-signed certificate is not trusted by default; the details give its fingerprint.
  await expect(dialog).toContainText('Le certificat du serveur n’est pas reconnu');
  await expect(dialog).toContainText('Vérifiez son empreinte ci-dessous avec votre administrateur');
  await expect(dialog.getByTestId('connect-error-detail')).toContainText('Empreinte SHA-256 du certificat présenté');
  await expect(dialog.getByTestId('connect-error-detail').locator('.untrusted')).toHaveText(mail.certificateFingerprint);

  await dialog.getByLabel('Accepter ce certificat du serveur (empreinte SHA-256)').fill(mail.certificateFingerprint);
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();
  await expect(page.getByTestId('connect-dialog')).toHaveCount(0);

  await deliver(mail, { from: 'Alice Martin <alice@example.test>', to: 'contact@parvis.test', subject: 'Lampe Dune', messageId: '<ui-1@example.test>', text: 'Bonjour, ma lampe Dune clignote depuis hier, que faire ?' });
  await deliver(mail, {
    from: 'Promo <bob@example.test>',
    to: 'contact@parvis.test',
    subject: 'Votre compte est bloqué',
    messageId: '<ui-hostile@example.test>',
    html: `<style>body{background:url(https://tracker.example/bg.png)}</style><script>document.title='pwned'</script>
      <p>Cliquez <a href="https://evil.example/login">ici</a> pour débloquer.</p>
      <img src="https://tracker.example/pixel.gif"><div style="display:none">texte caché piégé</div>
      <form action="https://evil.example/post"><input value="mot de passe piégé"></form>`,
    attachments: [{ filename: 'facture.pdf.exe', content: Buffer.from('MZ this is not run'), contentType: 'application/octet-stream' }],
  });
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await page.getByTestId('account-card').first().getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');

  const hostile = page.getByTestId('conversation-list').getByRole('option', { name: /Votre compte est bloqué/ });
  await expect(hostile).toBeVisible();
  await hostile.click();
  const thread = page.locator('[data-key-scope="conversation"]');
  await expect(thread).toContainText('Cliquez ici [https://evil.example/login] pour débloquer.');
  await expect(thread).not.toContainText('texte caché piégé');
  await expect(thread).not.toContainText('mot de passe piégé');
  await expect(thread.locator('img[src*="tracker.example"], script, iframe, form[action*="evil.example"], a[href*="evil.example/post"]')).toHaveCount(0);
  expect(await page.title()).not.toBe('pwned');
  // The attachment is listed (name, type, size), with nothing to click that would open it.
  await expect(thread.getByTestId('attachment-listed')).toHaveText(/facture\.pdf\.exe \(application\/octet-stream, 18 B\)/);
  await expect(thread.locator('a[href^="imap:"]')).toHaveCount(0);

  const row = page.getByTestId('conversation-list').getByRole('option', { name: /ma lampe Dune clignote/ });
  await row.click();
  await page.keyboard.press('r');
  await expect(page.getByTestId('composer')).toBeFocused();
  const answer = 'Bonjour Alice, débranchez-la dix secondes puis rebranchez-la.';
  await page.keyboard.type(answer);
  await page.keyboard.press('Control+Enter');
  await expect(thread.getByText(answer)).toBeVisible();
  const received = await waitFor(
    'the answer in Alice’s mailbox',
    async () => {
      await mail.flushQueue();
      return (await inbox(mail, mail.users.alice)).find((m) => m.text?.trim() === answer);
    },
    20_000,
  );
  expect(received).toMatchObject({ inReplyTo: '<ui-1@example.test>', references: '<ui-1@example.test>', subject: 'Re: Lampe Dune' });

  // Archived from the message's menu: held with Undo, then filed in the Archive folder on the server.
  await thread.locator('[data-testid="moderate-message"]').first().click();
  const menu = page.getByTestId('moderation-menu');
  await expect(menu.getByRole('menuitem', { name: /^Archiver/ })).toBeEnabled();
  await menu.getByRole('menuitem', { name: /^Archiver/ }).click();
  await expect(page.getByRole('button', { name: 'Annuler (z)' })).toBeVisible();
  await waitFor(
    'the email in the Archive folder',
    async () => ((await inbox(mail, mail.users.brand, 'Archive')).some((m) => m.messageId === '<ui-1@example.test>') ? true : null),
    20_000,
  );
  expect((await inbox(mail, mail.users.brand)).map((m) => m.messageId)).not.toContain('<ui-1@example.test>');
  // The next poll leaves the conversation as it was; the menu now offers the way back.
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await page.getByTestId('account-card').first().getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
  // Its row now shows the answer, the last message.
  await page.getByTestId('conversation-list').getByRole('option', { name: /Alice Martin .*débranchez-la/ }).click();
  await expect(thread).toContainText('ma lampe Dune clignote');
  await thread.locator('[data-testid="moderate-message"]').first().click();
  await expect(page.getByTestId('moderation-menu').getByRole('menuitem', { name: /^Remettre dans la boîte de réception/ })).toBeEnabled();
  expect(remote).toEqual([]);
});
