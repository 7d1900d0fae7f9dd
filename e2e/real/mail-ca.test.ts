/**
 * A mailbox whose servers' certificates come from a company's own certificate authority, against
 * the real Dovecot and SMTP of e2e/real/harness/mail.ts started with a private CA: the user picks
 * the CA's PEM file; sign-in, reading and answering then work with the chain checked, with no
 * fingerprint pinned. Another authority, a server certificate given as an authority, or a file
 * that holds no certificate are refused before any password is sent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailbox as network } from '../../electron/core/connectors/mailbox/descriptor';
import { createEmailConnector } from '../../electron/core/connectors/mailbox/index';
import { ConnectorError, type AccountContext } from '../../electron/core/connectors/types';
import { startRealMail, type RealMail } from './harness/mail';

let mail: RealMail;
const env = { endpoints: {}, developerApp: async () => null };

beforeAll(async () => {
  mail = await startRealMail({ certificateAuthority: true });
});
afterAll(async () => {
  await mail?.stop();
});

function form(overrides: Record<string, unknown> = {}) {
  return {
    email: mail.users.brand.address,
    password: mail.users.brand.password,
    imapHost: '127.0.0.1',
    imapSecurity: 'tls',
    imapPort: mail.imapsPort,
    smtpHost: '127.0.0.1',
    smtpSecurity: 'starttls',
    smtpPort: mail.submissionPort,
    ...overrides,
  };
}

async function refusal(fields: Record<string, unknown>): Promise<ConnectorError> {
  const err = await network.signIn.start(fields, env).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

/** Another authority, as a user could pick by mistake (a previous employer's, a test one). */
function otherCa(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parvis-other-ca-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Some Other CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'ca.pem')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'ca.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Email: a custom certificate authority on the real Dovecot', () => {
  it('without it the server is not trusted, and the error says a certificate authority can be added', async () => {
    const err = await refusal(form());
    expect(err.kind).toBe('bad-response');
    expect(err.message).toContain('certificate authority');
  });

  it('with the CA file picked: signs in with the chain checked and no pin, reads mail and answers through SMTP', async () => {
    const started = await network.signIn.start(form({ customCa: mail.caPem }), env);
    if (started.kind !== 'done') throw new Error('expected a direct sign-in');
    const result = started.results[0]!;
    const settings = JSON.parse(result.credentials.settings!);
    expect(settings.imap).toMatchObject({ pinnedCertificate: null });
    expect(settings.imap.customCa).toContain('BEGIN CERTIFICATE');
    expect(settings.smtp.customCa).toBe(settings.imap.customCa);
    const ctx: AccountContext = { accountId: 1, network: 'mailbox', serverUrl: result.serverUrl, remoteId: result.identity.remoteId, handle: result.identity.handle, credentials: result.credentials };

    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: mail.mxPort, secure: false, ignoreTLS: true });
    await mx.sendMail({ from: 'alice@example.test', to: 'contact@parvis.test', subject: 'Certificat', messageId: '<ca-1@example.test>', text: 'Est-ce que ça passe ?' });
    mx.close();
    await mail.flushQueue();
    const connector = createEmailConnector();
    const page = await connector.poll(ctx, null);
    const item = page.items.find((i) => i.remoteId === '<ca-1@example.test>');
    expect(item?.text).toContain('Est-ce que ça passe ?');
    const sent = await connector.reply(ctx, { conversationRemoteId: item!.threadRemoteId, parentRemoteId: item!.remoteId, text: 'Oui, ça passe.', idempotencyKey: 'ca-reply-1', parentExtra: item!.extra });
    expect(sent.remoteId).toMatch(/^<parvis\./);
    expect(await connector.findReply!(ctx, { conversationRemoteId: item!.threadRemoteId, parentRemoteId: item!.remoteId, text: 'Oui, ça passe.', idempotencyKey: 'ca-reply-1', parentExtra: item!.extra })).not.toBeNull();
  });

  it('another authority, a server certificate given as an authority, or a file without a certificate are refused', async () => {
    expect((await refusal(form({ customCa: otherCa() }))).kind).toBe('bad-response');
    const notCa = await refusal(form({ customCa: mail.certificatePem }));
    expect(notCa.kind).toBe('not-supported');
    expect(notCa.message).toContain('is not a certificate authority');
    const garbage = await refusal(form({ customCa: 'hello, this is my key' }));
    expect(garbage.kind).toBe('not-supported');
    expect(garbage.message).toContain('no PEM certificate');
  });
});
