/**
 * Emails as IMAP hands them over (raw RFC 5322 sources, written as mail clients and mailing
 * software send them) turned into inbox items: threads, hostile HTML, attachments, broken senders.
 */
import { describe, expect, it } from 'vitest';
import { ThreadMemory, attachmentParts, emailHtmlToText, listedName, normalizeMessageId, readMessage, type ReadContext } from './convert';
import { replyMessageId, replyReferences } from './index';
import { normalizeFingerprint, readHost } from './settings';

const NOW = Date.parse('2026-12-07T12:00:00Z');

function ctx(memory = new ThreadMemory([], 100)): ReadContext {
  return { mailbox: 'INBOX', uidValidity: '1700000000', ownAddress: 'contact@atelier-lumen.fr', memory, imapUrlBase: 'imap://contact%40atelier-lumen.fr@imap.atelier-lumen.fr:993', now: NOW };
}

const raw = (lines: string[]) => ({ uid: 12, source: Buffer.from(lines.join('\r\n')), internalDate: new Date('2026-12-07T10:00:05Z') });

async function item(lines: string[], context = ctx()) {
  const result = await readMessage(raw(lines), context);
  if (result.kind !== 'item') throw new Error(`skipped: ${result.reason}`);
  return result.item;
}

describe('reading an email', () => {
  it('a first message from Thunderbird opens its own thread, with the subject above the text', async () => {
    const message = await item([
      'Message-ID: <9b2f1c1e-5d1a-4c7e-8f55-2b1f0e7d3a11@laposte.net>',
      'Date: Mon, 7 Dec 2026 11:00:00 +0100',
      'MIME-Version: 1.0',
      'User-Agent: Mozilla Thunderbird',
      'From: =?UTF-8?Q?Chlo=C3=A9_Dupr=C3=A9?= <Chloe.Dupre@laposte.net>',
      'To: contact@atelier-lumen.fr',
      'Subject: =?UTF-8?Q?Lampe_ab=C3=AEm=C3=A9e?=',
      'Content-Type: text/plain; charset=UTF-8; format=flowed',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Bonjour,',
      '',
      'ma lampe est arrivée abîmée. Que faire ?',
      '',
    ]);
    expect(message).toMatchObject({
      remoteId: '<9b2f1c1e-5d1a-4c7e-8f55-2b1f0e7d3a11@laposte.net>',
      threadRemoteId: '<9b2f1c1e-5d1a-4c7e-8f55-2b1f0e7d3a11@laposte.net>',
      parentRemoteId: null,
      kind: 'email',
      direction: 'in',
      author: { remoteId: 'chloe.dupre@laposte.net', handle: 'chloe.dupre@laposte.net', name: 'Chloé Dupré' },
      text: 'Lampe abîmée\n\nBonjour,\n\nma lampe est arrivée abîmée. Que faire ?',
      html: null,
      attachments: [],
      createdAt: Date.parse('2026-12-07T10:00:00Z'),
      context: null,
    });
    expect(message.extra).toMatchObject({ messageId: '<9b2f1c1e-5d1a-4c7e-8f55-2b1f0e7d3a11@laposte.net>', references: [], subject: 'Lampe abîmée', replyTo: 'chloe.dupre@laposte.net', uid: 12, uidValidity: '1700000000', mailbox: 'INBOX' });
  });

  it('an answer joins the thread of the first id in References, and answers go to Reply-To', async () => {
    const message = await item([
      'Message-ID: <CAF=3@mail.gmail.com>',
      'In-Reply-To: <parvis.abc@atelier-lumen.fr>',
      'References: <root-1@laposte.net>\r\n <parvis.abc@atelier-lumen.fr>',
      'From: Chloé <chloe@laposte.net>',
      'Reply-To: SAV Chloé <sav-chloe@laposte.net>',
      'Subject: Re: Lampe abîmée',
      'Date: Mon, 7 Dec 2026 12:30:00 +0100',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Merci !',
    ]);
    expect(message).toMatchObject({ threadRemoteId: '<root-1@laposte.net>', parentRemoteId: '<parvis.abc@atelier-lumen.fr>', text: 'Merci !', context: { text: 'Re: Lampe abîmée' } });
    expect(message.extra).toMatchObject({ replyTo: 'sav-chloe@laposte.net', references: ['<root-1@laposte.net>', '<parvis.abc@atelier-lumen.fr>'] });
  });

  it('an answer with only In-Reply-To joins the thread its parent was in', async () => {
    const memory = new ThreadMemory([['<middle@x.fr>', '<root@x.fr>']], 10);
    const message = await item(['Message-ID: <late@x.fr>', 'In-Reply-To: <middle@x.fr>', 'From: a@x.fr', 'Subject: Re: x', '', 'ok'], ctx(memory));
    expect(message.threadRemoteId).toBe('<root@x.fr>');
    expect(memory.rootOf('<late@x.fr>')).toBe('<root@x.fr>');
  });

  it('hostile HTML becomes harmless text: no script, style, form, hidden text, tracking image or bidi trick', async () => {
    const message = await item([
      'Message-ID: <phish@bad.example>',
      'From: "Banque" <alerte@bad.example>',
      'Subject: Urgent',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<html><head><title>t</title><style>p{}</style><script>fetch("https://bad.example/x")</script></head><body>',
      '<p>Votre compte est <b>bloqu=C3=A9</b>. <a href=3D"https://bad.example/login">Connectez-vous</a>.</p>',
      '<img src=3D"https://track.example/open.gif?id=3D42">',
      '<div style=3D"DISPLAY: NONE">texte invisible</div><p hidden>cach=C3=A9</p>',
      '<span style=3D"font-size:0px">mot-cl=C3=A9</span>',
      '<form action=3D"https://bad.example/post"><input value=3D"mot de passe"><textarea>notes</textarea></form>',
      '<p>Fichier : facture\u202Efdp.exe</p>',
      '<svg><text>svg-texte</text></svg><noscript>noscript-texte</noscript>',
      '</body></html>',
    ]);
    expect(message.html).toBeNull();
    expect(message.text).toBe('Urgent\n\nVotre compte est bloqué. Connectez-vous [https://bad.example/login].\n\nFichier : facturefdp.exe');
  });

  it('an HTML-only newsletter keeps its tables and links readable', () => {
    expect(emailHtmlToText('<table><tr><td>Prix</td><td>12 €</td></tr></table><p><a href="https://atelier.example/">https://atelier.example/</a></p>')).toBe('Prix   12 €\n\nhttps://atelier.example/');
  });

  it('attachments are listed with name, type and size, as IMAP addresses; nothing is opened', async () => {
    const message = await item([
      'Message-ID: <att@x.fr>',
      'From: a@x.fr',
      'Subject: Photos',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Voici les photos.',
      '--b1',
      'Content-Type: image/jpeg; name="lampe.jpg"',
      'Content-Disposition: attachment; filename="lampe.jpg"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(3000, 1).toString('base64'),
      '--b1',
      'Content-Type: application/x-msdownload; name="facture.exe"',
      'Content-Disposition: attachment; filename="facture.exe"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('MZ').toString('base64'),
      '--b1--',
    ]);
    // Without the server's BODYSTRUCTURE the parts have no id yet: the message's URL, found by name when fetched.
    expect(message.attachments).toEqual([
      { kind: 'file', url: 'imap://contact%40atelier-lumen.fr@imap.atelier-lumen.fr:993/INBOX;UIDVALIDITY=1700000000/;UID=12', alt: 'lampe.jpg (image/jpeg, 3 KB)' },
      { kind: 'file', url: 'imap://contact%40atelier-lumen.fr@imap.atelier-lumen.fr:993/INBOX;UIDVALIDITY=1700000000/;UID=12', alt: 'facture.exe (application/x-msdownload, 2 B)' },
    ]);
  });

  it('with the BODYSTRUCTURE, each attachment is named by its IMAP part id; body text and images shown in the HTML are not attachments', () => {
    const structure = {
      type: 'multipart/mixed',
      childNodes: [
        {
          part: '1',
          type: 'multipart/related',
          childNodes: [
            { part: '1.1', type: 'multipart/alternative', childNodes: [{ part: '1.1.1', type: 'text/plain', size: 20 }, { part: '1.1.2', type: 'text/html', size: 80 }] },
            { part: '1.2', type: 'image/png', id: '<logo@x>', disposition: 'inline', size: 400, encoding: 'base64' },
          ],
        },
        { part: '2', type: 'application/pdf', disposition: 'attachment', dispositionParameters: { filename: 'facture.pdf' }, encoding: 'base64', size: 4000 },
        { part: '3', type: 'text/csv', disposition: 'attachment', dispositionParameters: { filename: 'commandes.csv' }, size: 120 },
        { part: '4', type: 'message/rfc822', size: 900 },
      ],
    };
    expect(attachmentParts(structure)).toEqual([
      { part: '2', filename: 'facture.pdf', contentType: 'application/pdf', size: 2923 },
      { part: '3', filename: 'commandes.csv', contentType: 'text/csv', size: 120 },
      { part: '4', filename: 'message.eml', contentType: 'message/rfc822', size: 900 },
    ]);
    expect(listedName('facture.pdf (application/pdf, 3 KB)')).toBe('facture.pdf');
    expect(listedName('rapport (final).pdf (application/pdf, 3 KB)')).toBe('rapport (final).pdf');
  });

  it('a message without sender is skipped with a reason; one without Message-ID or a sane date is still read', async () => {
    const skipped = await readMessage(raw(['Message-ID: <nofrom@x.fr>', 'Subject: ?', '', 'corps']), ctx());
    expect(skipped).toEqual({ kind: 'skipped', remoteId: '<nofrom@x.fr>', reason: 'no sender address' });

    const message = await item(['From: robot@x.fr', 'Date: Fri, 1 Jan 2100 00:00:00 +0000', 'Subject: Alerte', '', 'texte']);
    expect(message.remoteId).toBe('<uid-1700000000-12@INBOX.parvis.invalid>');
    expect(message.createdAt).toBe(Date.parse('2026-12-07T10:00:05Z'));
  });

  it('mail the mailbox sent itself is outgoing', async () => {
    const message = await item(['Message-ID: <own@atelier-lumen.fr>', 'From: Contact <CONTACT@atelier-lumen.fr>', 'Subject: x', '', 'y']);
    expect(message.direction).toBe('out');
  });
});

describe('answer headers and settings', () => {
  it('References carry the thread, the first and the latest ids when it is long', () => {
    expect(replyReferences({ messageId: '<b@x>', references: ['<a@x>'] })).toEqual(['<a@x>', '<b@x>']);
    const long = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const refs = replyReferences({ messageId: '<last@x>', references: long });
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe('<m0@x>');
    expect(refs.at(-1)).toBe('<last@x>');
  });

  it('a reply’s Message-ID is the same for the same outbox entry, and different for another', () => {
    expect(replyMessageId('k1', 'contact@atelier-lumen.fr')).toBe(replyMessageId('k1', 'contact@atelier-lumen.fr'));
    expect(replyMessageId('k1', 'contact@atelier-lumen.fr')).not.toBe(replyMessageId('k2', 'contact@atelier-lumen.fr'));
    expect(replyMessageId('k1', 'contact@atelier-lumen.fr')).toMatch(/^<parvis\.[0-9a-f]{32}@atelier-lumen\.fr>$/);
  });

  it('reads fingerprints in the usual spellings, and refuses what is not one', () => {
    const colons = Array.from({ length: 32 }, () => 'ab').join(':');
    expect(normalizeFingerprint(`SHA256:${colons}`)).toBe(colons.toUpperCase());
    expect(normalizeFingerprint('ab'.repeat(32))).toBe(colons.toUpperCase());
    expect(normalizeFingerprint('ab'.repeat(20))).toBeNull();
  });

  it('takes a server name, not an address with a scheme, a port or a path', () => {
    expect(readHost(' IMAP.Example.com. ')).toBe('imap.example.com');
    expect(readHost('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of ['https://imap.example.com', 'imap.example.com:993', 'imap example.com', 'imap.example.com/x', '']) {
      expect(() => readHost(bad)).toThrow(/not a server name/);
    }
  });

  it('keeps Message-IDs with their brackets', () => {
    expect(normalizeMessageId(' <a@b> ')).toBe('<a@b>');
    expect(normalizeMessageId('a@b')).toBe('<a@b>');
    expect(normalizeMessageId('nonsense')).toBeNull();
  });
});
