/**
 * Bench: a mailbox of 50,000 messages read once, then only what is new, against the real Dovecot
 * of e2e/real/harness/mail.ts (`npx tsx e2e/real/bench/mailbox-50k.ts [count]`).
 *
 * The mailbox is generated with `doveadm import` from an mbox file (realistic headers, plain text
 * and some multipart messages with a small attachment), then read by the email connector page by
 * page as the scheduler would (cursor carried from poll to poll, no wait between pages), then read
 * again: once with nothing new, once after 3 new messages were delivered over SMTP. Prints times
 * and the IMAP commands each read sent (counted from imapflow's log of what it writes).
 */
import nodemailer from 'nodemailer';
import { mailbox as network } from '../../../electron/core/connectors/mailbox/descriptor';
import { createEmailConnector } from '../../../electron/core/connectors/mailbox/index';
import type { AccountContext } from '../../../electron/core/connectors/types';
import { startRealMail } from '../harness/mail';

const COUNT = Number(process.argv[2] ?? 50_000);

function mboxOf(count: number): string {
  const parts: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 1; i <= count; i++) {
    const date = new Date(start + i * 60_000);
    const from = `client${i % 997}@example.test`;
    const threadRoot = i > 10 && i % 5 === 0 ? `<bench-${i - 3}@example.test>` : null;
    const headers = [
      `From ${from} ${date.toUTCString().replace(/,/g, '')}`,
      `From: Client ${i % 997} <${from}>`,
      'To: contact@parvis.test',
      `Subject: ${threadRoot ? 'Re: ' : ''}Question ${i}`,
      `Date: ${date.toUTCString()}`,
      `Message-ID: <bench-${i}@example.test>`,
      ...(threadRoot ? [`In-Reply-To: ${threadRoot}`, `References: ${threadRoot}`] : []),
      'MIME-Version: 1.0',
    ];
    let body: string;
    if (i % 50 === 0) {
      headers.push('Content-Type: multipart/mixed; boundary="b1"');
      body = [
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        `Bonjour, voici la facture ${i} en pièce jointe.`,
        '--b1',
        `Content-Type: application/pdf; name="facture-${i}.pdf"`,
        'Content-Disposition: attachment',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.alloc(3000, i % 251).toString('base64').replace(/.{76}/g, '$&\n'),
        '--b1--',
      ].join('\n');
    } else {
      headers.push('Content-Type: text/plain; charset=utf-8');
      body = `Bonjour,\n\nMa commande numéro ${i} n'est pas encore arrivée. Pouvez-vous vérifier ?\n\nMerci,\nClient ${i % 997}`;
    }
    // mboxrd: lines starting with "From " in bodies are quoted (none here).
    parts.push(`${headers.join('\n')}\n\n${body}\n\n`);
  }
  return parts.join('');
}

async function main() {
  const mail = await startRealMail();
  try {
    const t0 = Date.now();
    await mail.importMbox(mail.users.brand, mboxOf(COUNT));
    console.log(`generated ${COUNT} messages with doveadm import in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const env = { endpoints: {}, developerApp: async () => null };
    const started = await network.signIn.start(
      {
        email: mail.users.brand.address,
        password: mail.users.brand.password,
        imapHost: '127.0.0.1',
        imapSecurity: 'tls',
        imapPort: mail.imapsPort,
        smtpHost: '127.0.0.1',
        smtpSecurity: 'tls',
        smtpPort: mail.smtpsPort,
        certificate: mail.certificateFingerprint,
      },
      env,
    );
    if (started.kind !== 'done') throw new Error('expected a direct sign-in');
    const r = started.results[0]!;
    const ctx: AccountContext = { accountId: 1, network: 'mailbox', serverUrl: r.serverUrl, remoteId: r.identity.remoteId, handle: r.identity.handle, credentials: r.credentials };

    let commands: string[] = [];
    const connector = createEmailConnector({ onCommand: (c) => commands.push(c) });
    const summary = () => {
      const counts = new Map<string, number>();
      for (const c of commands) counts.set(c, (counts.get(c) ?? 0) + 1);
      return `${commands.length} commands (${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')})`;
    };

    let cursor: string | null = null;
    let read = 0;
    let polls = 0;
    const t1 = Date.now();
    for (;;) {
      const page = await connector.poll(ctx, cursor);
      polls++;
      const before = read;
      read += page.items.length + page.skipped.length;
      cursor = page.cursor ?? cursor;
      if (Math.floor(read / 5000) > Math.floor(before / 5000)) console.log(`  … ${read} read after ${((Date.now() - t1) / 1000).toFixed(0)} s`);
      if (!page.hasMore) break;
    }
    const firstMs = Date.now() - t1;
    console.log(`first read: ${read} messages in ${polls} polls, ${(firstMs / 1000).toFixed(1)} s (${Math.round(read / (firstMs / 1000))} messages/s), ${summary()}`);
    if (read !== COUNT) throw new Error(`read ${read} messages, expected ${COUNT}`);

    commands = [];
    const t2 = Date.now();
    const again = await connector.poll(ctx, cursor);
    console.log(`second read, nothing new: ${again.items.length} messages, ${Date.now() - t2} ms, ${summary()}`);

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
    for (let i = 1; i <= 3; i++) {
      await transport.sendMail({ from: 'alice@example.test', to: 'contact@parvis.test', subject: `Nouveau ${i}`, messageId: `<bench-new-${i}@example.test>`, text: `Nouveau message ${i}` });
    }
    transport.close();
    await mail.flushQueue();
    commands = [];
    const t3 = Date.now();
    const fresh = await connector.poll(ctx, cursor);
    console.log(`third read, 3 new: ${fresh.items.length} messages, ${Date.now() - t3} ms, ${summary()}`);
    if (fresh.items.length !== 3) throw new Error(`expected the 3 new messages, got ${fresh.items.length}`);
  } finally {
    await mail.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
