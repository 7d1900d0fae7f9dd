/**
 * Where a mailbox is and how to trust it: the IMAP and SMTP servers (host, port, implicit TLS or
 * STARTTLS: never plain text), the login, and certificates the user accepted by their fingerprint.
 *
 * Everything here is kept in the keychain with the password (the account's credentials), so the
 * connector is stateless like every other.
 *
 * Certificates are checked like a browser does (system CAs and the host name). A server with a
 * self-signed or private-CA certificate is accepted only when the user typed its SHA-256
 * fingerprint: sign-in then fetches the certificate *before* any password is sent, compares, and
 * pins its PEM; later connections trust that exact certificate, and only it, besides the system CAs.
 *
 * A company's own certificate authority can be added too (a PEM file the user picks): its
 * certificates are trusted like the system's (chain and host name checked), in addition to the
 * system CAs, for this mailbox only.
 */
import { X509Certificate } from 'node:crypto';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, rootCertificates, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { ConnectorError } from '../types';

export const SECURITY = ['tls', 'starttls'] as const;
export type Security = (typeof SECURITY)[number];

export interface ServerSettings {
  host: string;
  port: number;
  security: Security;
  /** PEM of a certificate the user accepted by its fingerprint (self-signed, private CA). */
  pinnedCertificate?: string | null;
  /** PEM of certificate authorities the user added (their company's own CA), trusted besides the system's. */
  customCa?: string | null;
}

export interface MailSettings {
  v: 1;
  imap: ServerSettings;
  smtp: ServerSettings;
  /** The mailbox's address: the account, the From of replies. */
  address: string;
  /** The login, when it is not the address. */
  login: string;
  /**
   * Signed in with OAuth 2 (SASL XOAUTH2) instead of a password: the provider, and the token
   * endpoint the refresh token goes back to (the tokens and the client id are in the credentials).
   */
  oauth?: { provider: 'google' | 'microsoft'; tokenUrl: string };
}

export const DEFAULT_PORTS: Record<'imap' | 'smtp', Record<Security, number>> = {
  imap: { tls: 993, starttls: 143 },
  smtp: { tls: 465, starttls: 587 },
};

/** A host name or an IP address; no scheme, path, port or spaces. */
export function readHost(value: unknown): string {
  const host = String(value ?? '').trim().toLowerCase().replace(/\.$/, '');
  if (isIP(host)) return host;
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(host)) {
    throw new ConnectorError('not-supported', `This is not a server name: “${String(value).slice(0, 80)}” (write it as imap.example.com, without https:// or a port).`);
  }
  return host;
}

/** Reads the settings stored in an account's credentials; throws 'auth' when they are missing (sign in again). */
export function readSettings(credentials: Record<string, string>): MailSettings {
  try {
    const parsed = JSON.parse(credentials.settings ?? '') as MailSettings;
    if (parsed.v === 1 && parsed.imap?.host && parsed.smtp?.host && parsed.address) return parsed;
  } catch {
    // Falls through: a sign-in gives them again.
  }
  throw new ConnectorError('auth', 'The mailbox settings are missing from the keychain: sign in to the mailbox again.');
}

/** SHA-256 fingerprint written as Node does (AB:CD:…), from any of the usual spellings. */
export function normalizeFingerprint(value: string): string | null {
  const hex = value.replace(/^sha-?256[:= ]*/i, '').replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

function pemOf(cert: PeerCertificate): string {
  const b64 = cert.raw.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/**
 * TLS options for a server: the system CAs and the host name checked, plus the pinned certificate
 * when the user accepted one (then its exact fingerprint stands in for the host name check).
 */
export function tlsOptions(server: ServerSettings): ConnectionOptions {
  const options: ConnectionOptions = { minVersion: 'TLSv1.2', rejectUnauthorized: true };
  if (!isIP(server.host)) options.servername = server.host;
  const extra = server.customCa ? splitPem(server.customCa) : [];
  if (server.pinnedCertificate) {
    const pinned = new X509Certificate(server.pinnedCertificate).fingerprint256;
    extra.push(server.pinnedCertificate);
    options.checkServerIdentity = (host, cert) => (cert.fingerprint256 === pinned ? undefined : checkServerIdentity(host, cert));
  }
  if (extra.length > 0) options.ca = [...rootCertificates, ...extra];
  return options;
}

/** The certificates of a PEM text, each as its own PEM block. */
export function splitPem(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/**
 * Reads a certificate authority file the user picked: PEM certificates only, at most 20, each a
 * CA (basic constraints say so) and valid today. Returns them as one PEM text, or throws why not.
 */
export function readCustomCa(text: string, now = Date.now()): string {
  const blocks = splitPem(text);
  if (blocks.length === 0) throw new ConnectorError('not-supported', 'The certificate authority file holds no PEM certificate (-----BEGIN CERTIFICATE-----).');
  if (blocks.length > 20) throw new ConnectorError('not-supported', 'The certificate authority file holds more than 20 certificates.');
  for (const block of blocks) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      throw new ConnectorError('not-supported', 'The certificate authority file holds a certificate that cannot be read.');
    }
    if (!cert.ca) throw new ConnectorError('not-supported', `“${cert.subject.replace(/\n/g, ', ')}” is not a certificate authority: give the authority's certificate, or the server certificate's fingerprint.`);
    if (Date.parse(cert.validTo) < now) throw new ConnectorError('not-supported', `The certificate authority “${cert.subject.replace(/\n/g, ', ')}” expired on ${cert.validTo}.`);
  }
  return blocks.join('');
}

/** What a server's certificate is, fetched without sending anything but STARTTLS. */
export interface PresentedCertificate {
  fingerprint: string;
  pem: string;
  /** Trusted as the system trusts certificates (CA chain and host name). */
  trusted: boolean;
  problem: string | null;
}

/** Reads lines from a plain socket until one matches `done` (or fails on `fail`). */
function expectLine(socket: Socket, done: RegExp, fail: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => finish(new Error('The server did not answer in time.')), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (done.test(line)) return finish(null);
        if (fail.test(line)) return finish(new Error(`The server refused STARTTLS: ${line.slice(0, 200)}`));
      }
      if (buffer.length > 65_536) finish(new Error('The server sent an overlong line.'));
    };
    const onError = (err: Error) => finish(err);
    const onClose = () => finish(new Error('The server closed the connection.'));
    function finish(err: Error | null) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    }
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/**
 * Connects to a server and reads its certificate, before any login: STARTTLS is negotiated with
 * the protocol's two commands (IMAP `STARTTLS`, SMTP `EHLO` + `STARTTLS`), nothing else is sent.
 */
export async function presentedCertificate(protocol: 'imap' | 'smtp', server: ServerSettings, timeoutMs = 15_000): Promise<PresentedCertificate> {
  // The system's CAs and the user's own, not a pinned certificate: what is checked is whether it is trusted without one.
  const base = { ...tlsOptions({ ...server, pinnedCertificate: null }), rejectUnauthorized: false };
  let plain: Socket | undefined;
  try {
    if (server.security === 'starttls') {
      plain = netConnect({ host: server.host, port: server.port });
      await new Promise<void>((resolve, reject) => {
        plain!.once('connect', () => resolve());
        plain!.once('error', reject);
      });
      if (protocol === 'imap') {
        await expectLine(plain, /^\* OK/i, /^\* (BYE|BAD|NO)/i, timeoutMs);
        plain.write('P1 STARTTLS\r\n');
        await expectLine(plain, /^P1 OK/i, /^P1 (NO|BAD)/i, timeoutMs);
      } else {
        await expectLine(plain, /^220 /, /^[45]\d\d /, timeoutMs);
        plain.write('EHLO parvis.invalid\r\n');
        await expectLine(plain, /^250 /, /^[45]\d\d /, timeoutMs);
        plain.write('STARTTLS\r\n');
        await expectLine(plain, /^220 /, /^[45]\d\d /, timeoutMs);
      }
    }
    const socket: TLSSocket = await new Promise((resolve, reject) => {
      const s = tlsConnect({ ...base, ...(plain ? { socket: plain } : { host: server.host, port: server.port }) }, () => resolve(s));
      s.once('error', reject);
      s.setTimeout(timeoutMs, () => s.destroy(new Error('The TLS handshake did not finish in time.')));
    });
    const cert = socket.getPeerCertificate(true);
    const result: PresentedCertificate = {
      fingerprint: cert.fingerprint256,
      pem: pemOf(cert),
      trusted: socket.authorized,
      problem: socket.authorized ? null : String(socket.authorizationError ?? 'untrusted'),
    };
    socket.destroy();
    return result;
  } catch (err) {
    plain?.destroy();
    throw new ConnectorError('network', `Could not reach ${server.host}:${server.port} over TLS: ${(err as Error).message}`);
  }
}

/**
 * Decides whether a server may be used: its certificate is trusted, or it is the one whose
 * fingerprint the user typed (then it is pinned). Otherwise says which fingerprint it has, so the
 * user can compare it with what the mail provider publishes and accept it knowingly.
 */
export async function trustServer(protocol: 'imap' | 'smtp', server: ServerSettings, acceptedFingerprint: string | null): Promise<ServerSettings> {
  const presented = await presentedCertificate(protocol, server);
  if (presented.trusted) return { ...server, pinnedCertificate: null };
  if (acceptedFingerprint && presented.fingerprint === acceptedFingerprint) return { ...server, pinnedCertificate: presented.pem };
  throw new ConnectorError(
    'bad-response',
    `The certificate of ${server.host}:${server.port} (${protocol.toUpperCase()}) is not trusted (${presented.problem}). ` +
      `If you trust this server, enter its SHA-256 fingerprint in the certificate field (${presented.fingerprint}), or add the certificate authority that signed it.`,
    null,
    null,
    { code: 'certificate-untrusted', detail: presented.fingerprint },
  );
}
