/**
 * A mailbox whose servers' certificates come from the company's own certificate authority, through
 * the UI (web mode) against a real Dovecot started with a private CA (e2e/real/harness/mail.ts):
 * refused until the CA's PEM file is picked in the connect form; then connected with no fingerprint
 * typed, and an email arrives. A file too large for the field is refused in the form. The email's
 * attachment is listed, not fetched, until Save is clicked: then it downloads, byte for byte.
 */
import { expect } from '@playwright/test';
import nodemailer from 'nodemailer';
import { startRealMail, type RealMail } from './real/harness/mail';
import { STATIC_DIR } from './fixtures';
import { networkedTest } from './networked-test';
import { FAST_OUTBOX, FAST_SYNC, localEndpoints, startNetworkedWebMode } from './networks/fixture';

const test = networkedTest.extend<{ mail: RealMail }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  mail: async ({}, use) => {
    const mail = await startRealMail({ certificateAuthority: true });
    await use(mail);
    await mail.stop();
  },
  mode: async ({ mail }, use) => {
    void mail;
    const networks = localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' });
    const mode = await startNetworkedWebMode({ endpoints: networks }, { staticDir: STATIC_DIR, syncOptions: FAST_SYNC, outboxOptions: FAST_OUTBOX, pollIntervalSeconds: 15 });
    await use(mode);
    await mode.close();
  },
});

test.setTimeout(120_000);

test('the company’s certificate authority, picked as a file, lets the mailbox connect with no fingerprint; an attachment downloads on Save only', async ({ app: page, mail }) => {
  await page.getByTestId('empty-connect').click();
  await page.locator('[data-network="mailbox"]').click();
  const dialog = page.getByTestId('connect-dialog');
  await dialog.getByLabel('Adresse électronique').fill(mail.users.brand.address);
  await dialog.getByLabel('Mot de passe', { exact: true }).fill(mail.users.brand.password);
  await dialog.getByLabel('Serveur de réception (IMAP)').fill('127.0.0.1');
  await dialog.getByLabel('Serveur d’envoi (SMTP)').fill('127.0.0.1');
  await dialog.getByText('Identifiant, ports et certificat').click();
  await dialog.getByLabel('Port IMAP').fill(String(mail.imapsPort));
  await dialog.getByLabel('Port SMTP').fill(String(mail.smtpsPort));
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog).toContainText('Vérifiez son empreinte ci-dessous avec votre administrateur');

  const caField = dialog.getByLabel('Faire confiance à cette autorité de certification (fichier PEM)');
  await expect(caField).toHaveAttribute('accept', '.pem,.crt,.cer');
  // A file larger than any CA bundle is refused in the form, and not sent.
  await caField.setInputFiles({ name: 'huge.pem', mimeType: 'application/x-pem-file', buffer: Buffer.alloc(300_000, 'A') });
  await expect(dialog.getByRole('alert').filter({ hasText: 'trop gros pour ce champ' })).toBeVisible();

  await caField.setInputFiles({ name: 'company-ca.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(mail.caPem!) });
  await expect(dialog.getByText('trop gros pour ce champ')).toHaveCount(0);
  await page.getByRole('button', { name: 'Connecter', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(/est connecté/);
  await dialog.getByRole('button', { name: 'Terminé' }).click();

  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
  const invoice = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5_000, 3)]);
  await mx.sendMail({
    from: 'Alice Martin <alice@example.test>',
    to: 'contact@parvis.test',
    subject: 'Autorité',
    messageId: '<ui-ca-1@example.test>',
    text: 'Le certificat de l’entreprise est reconnu ? La facture est jointe.',
    attachments: [{ filename: 'facture.pdf', content: invoice, contentType: 'application/pdf' }],
  });
  mx.close();
  await mail.flushQueue();
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await page.getByTestId('account-card').first().getByRole('button', { name: 'Vérifier maintenant' }).click();
  await page.keyboard.press('Escape');
  const row = page.getByTestId('conversation-list').getByRole('option', { name: /Autorité/ });
  await expect(row).toBeVisible();
  await row.click();
  const listed = page.getByTestId('attachment-listed');
  await expect(listed).toContainText('facture.pdf (application/pdf, 5 KB)');
  const [download] = await Promise.all([page.waitForEvent('download'), listed.getByRole('button', { name: 'Enregistrer la pièce jointe facture.pdf (application/pdf, 5 KB)' }).click()]);
  expect(download.suggestedFilename()).toBe('facture.pdf');
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(invoice)).toBe(true);
});
