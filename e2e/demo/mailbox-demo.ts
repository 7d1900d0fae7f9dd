/**
 * The live demo's contact mailbox: Atelier Lumen's contact@atelier-lumen.fr on a private Dovecot
 * and Postfix (e2e/real/harness/mail.ts), connected through `accounts.connect` as a user would
 * (servers, ports, the self-signed certificate's fingerprint), with a few French and English
 * emails, one of them a thread the customer followed up on, dropped on the MX port like mail from
 * outside.
 *
 * Dovecot and Postfix come from Debian's packages (scripts/install-real-servers.sh, or the three
 * named in the README): without them the demo goes on without its mailbox, and says so.
 */
import { existsSync } from 'node:fs';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Account } from '../../shared/model';
import type { Core } from '../../electron/core/app';
import { connectAccount } from '../networks/fixture';
import { startRealMail, type RealMail } from '../real/harness/mail';

export const DEMO_MAILBOX = { address: 'contact@atelier-lumen.fr', password: 'lumen-contact-demo-2026' } as const;

/** Emails from the community, oldest first: `inReplyTo` points at an earlier one's Message-ID. */
const EMAILS: (SendMailOptions & { messageId: string })[] = [
  {
    from: 'Chloé Dupré <alice@example.test>',
    subject: 'Lampe Dune arrivée abîmée',
    messageId: '<demo-dune-1@example.test>',
    text: 'Bonjour,\n\nma lampe Dune est arrivée avec l’abat-jour fendu. Je joins une photo. Pouvez-vous m’en envoyer un autre ?\n\nMerci,\nChloé',
    attachments: [{ filename: 'abat-jour.jpg', content: Buffer.alloc(2048, 7), contentType: 'image/jpeg' }],
  },
  {
    from: 'Oliver Grant <bob@example.test>',
    subject: 'Wholesale enquiry for our shop in Bristol',
    messageId: '<demo-wholesale@example.test>',
    text: 'Hello,\n\nWe run a small design shop in Bristol and would love to stock the Orbe and Dune lamps. Do you have a wholesale price list?\n\nBest,\nOliver',
  },
  {
    from: 'Chloé Dupré <alice@example.test>',
    subject: 'Re: Lampe Dune arrivée abîmée',
    messageId: '<demo-dune-2@example.test>',
    inReplyTo: '<demo-dune-1@example.test>',
    references: ['<demo-dune-1@example.test>'],
    text: 'Je précise : commande n°48213, livrée hier.',
  },
  {
    from: 'Newsletter Déco <bob@example.test>',
    subject: 'Parlez de vos lampes dans notre guide de Noël',
    messageId: '<demo-press@example.test>',
    html: '<p>Bonjour,</p><p>Nous préparons notre <b>guide de Noël</b> et aimerions y présenter l’Atelier Lumen.</p><img src="https://tracker.example/open.gif"><p>La rédaction</p>',
  },
];

export interface DemoMailbox {
  mail: RealMail;
  account: Account;
  close(): Promise<void>;
}

/** True when the Debian packages the mailbox needs are installed. */
export function mailServersInstalled(): boolean {
  return existsSync('/usr/sbin/dovecot') && existsSync('/usr/sbin/postfix');
}

/** Starts the mail servers, connects the mailbox and delivers the emails; null when the servers are not installed. */
export async function startDemoMailbox(core: Core, log: (level: 'info' | 'warn', message: string) => void): Promise<DemoMailbox | null> {
  if (!mailServersInstalled()) {
    log('info', 'demo: Dovecot and Postfix are not installed (scripts/install-real-servers.sh): no contact mailbox');
    return null;
  }
  const mail = await startRealMail({ brand: { ...DEMO_MAILBOX } });
  try {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
    for (const email of EMAILS) await transport.sendMail({ ...email, to: DEMO_MAILBOX.address });
    transport.close();
    await mail.flushQueue();
    const account = await connectAccount(core, {
      network: 'mailbox',
      fields: {
        email: DEMO_MAILBOX.address,
        password: DEMO_MAILBOX.password,
        imapHost: '127.0.0.1',
        imapSecurity: 'tls',
        imapPort: String(mail.imapsPort),
        smtpHost: '127.0.0.1',
        smtpSecurity: 'starttls',
        smtpPort: String(mail.submissionPort),
        certificate: mail.certificateFingerprint,
      },
    });
    return { mail, account, close: () => mail.stop() };
  } catch (err) {
    await mail.stop();
    throw err;
  }
}
