/**
 * A private mail system for a test file: Debian's Dovecot (IMAP with implicit TLS and plain IMAP
 * with STARTTLS, LMTP delivery into Maildirs, SASL for Postfix) and Postfix (an MX port that takes
 * mail from "the internet", and submission ports with STARTTLS and implicit TLS that want SMTP
 * AUTH), in a temp dir, on 127.0.0.1 free ports, with a self-signed certificate made there.
 *
 * Never the machine's own services: Dovecot runs with `-c` on its own config (its own base_dir,
 * instance name and sockets), Postfix with `-c` on its own main.cf/master.cf, queue and data dirs.
 *
 * Postfix's `master` refuses to start unless it is root ("the master command is reserved for the
 * superuser", checked in the binary), so as a normal user there can be no private Postfix. Then
 * the submission ports are served by `smtp-server` (Nodemailer's SMTP server library) that checks
 * the login against the same Dovecot users and hands each message to Dovecot's LMTP with
 * Nodemailer's LMTP client: the mailbox side (IMAP, delivery, folders) stays the real Dovecot.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, isRoot, removeDir, run, startChild, systemUser, tempDir, waitForPort, type Child } from './proc';

export interface MailUser {
  address: string;
  password: string;
}

export interface RealMail {
  host: '127.0.0.1';
  /** IMAP with implicit TLS (993-style). */
  imapsPort: number;
  /** Plain IMAP offering STARTTLS (143-style). */
  imapPort: number;
  /** SMTP submission with implicit TLS (465-style), AUTH required. */
  smtpsPort: number;
  /** SMTP submission with STARTTLS (587-style), AUTH required. */
  submissionPort: number;
  /** Where mail from the outside comes in (port 25-style, no AUTH, local domains only). */
  mxPort: number;
  /** The certificate (PEM) both servers present, self-signed or signed by `caPem`; a test trusts it explicitly. */
  certificatePem: string;
  /** With `certificateAuthority`: the private CA (PEM) that signed the servers' certificate; otherwise null. */
  caPem: string | null;
  /** SHA-256 fingerprint of that certificate, as Node prints it (AB:CD:…). */
  certificateFingerprint: string;
  /** Which SMTP server serves submission and MX: the real Postfix (root) or the stand-in (see above). */
  smtp: 'postfix' | 'smtp-server';
  /** The brand's contact mailbox, and two people of its community. */
  users: { brand: MailUser; alice: MailUser; bob: MailUser };
  /** Changes a user's password on the server (IMAP and SMTP AUTH both check the new one at once). */
  setPassword(user: MailUser, password: string): Promise<void>;
  /** Stops Dovecot only (IMAP goes away), and starts it again on the same ports and mailboxes. */
  restartImap(): Promise<void>;
  /**
   * Puts many messages into a user's INBOX at once with `doveadm import` from an mbox file (for
   * benches: 50,000 messages take seconds, where 50,000 LMTP deliveries take minutes).
   */
  importMbox(user: MailUser, mbox: string | Buffer): Promise<void>;
  /** Waits until Postfix's queue is empty (everything handed to Dovecot), or throws. */
  flushQueue(timeoutMs?: number): Promise<void>;
  /** Server logs, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}


/** A private certificate authority and a server certificate it signed (what a company's own PKI gives). */
async function caSignedCertificate(dir: string): Promise<void> {
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Parvis Test Company CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', join(dir, 'ca-key.pem'), '-out', join(dir, 'ca.pem')], { name: 'openssl ca' });
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=mail.parvis.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'server.csr')], { name: 'openssl csr' });
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:mail.parvis.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', join(dir, 'server.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca-key.pem'), '-CAcreateserial', '-days', '2', '-extfile', join(dir, 'server.ext'), '-out', join(dir, 'cert.pem')], { name: 'openssl sign' });
}

function selfSignedCertificate(dir: string): Promise<string> {
  return run(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', '/CN=mail.parvis.test',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:mail.parvis.test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ],
    { name: 'openssl' },
  );
}

interface DovecotPorts {
  imap: number;
  imaps: number;
  lmtp: number;
  auth: number;
}

/** The name of a group, from /etc/group. */
function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  if (!line) throw new Error(`No group with id ${gid} in /etc/group: Dovecot needs its name.`);
  return line.split(':')[0]!;
}

/** The archive folder with its RFC 6154 special use (as Gmail's and Fastmail's servers announce theirs). */
const ARCHIVE_MAILBOX = `  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
`;

/**
 * OAuth 2 logins (SASL XOAUTH2 and OAUTHBEARER) checked by Dovecot's `oauth2` passdb against an
 * RFC 7662 introspection endpoint; passwords stay with the passwd-file (PLAIN, LOGIN).
 */
function oauth2Passdb(dir: string, introspectionUrl: string): string {
  writeFileSync(
    join(dir, 'dovecot-oauth2.conf.ext'),
    [`introspection_url = ${introspectionUrl}`, 'introspection_mode = post', 'force_introspection = yes', 'username_attribute = username', 'active_attribute = active', 'active_value = true', 'timeout_msecs = 5000', ''].join('\n'),
  );
  return `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/dovecot-oauth2.conf.ext
}
`;
}

function dovecotConfig(dir: string, ports: DovecotPorts, ids: { internal: string; internalGroup: string; login: string; mailUid: number; mailGid: number }, archive: boolean, introspectionUrl: string | null): string {
  return `# Private Dovecot for Parvis's real-server tests (generated).
instance_name = parvis-${ports.imap}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
default_internal_user = ${ids.internal}
default_internal_group = ${ids.internalGroup}
default_login_user = ${ids.login}
first_valid_uid = 1
first_valid_gid = 1
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login${introspectionUrl ? ' xoauth2 oauthbearer' : ''}
passdb {
  driver = passwd-file
  # "none": the lookups without a login (LMTP delivery asks whether the user exists).
  mechanisms = plain login none
  args = scheme=PLAIN username_format=%u ${dir}/users
}
${introspectionUrl ? oauth2Passdb(dir, introspectionUrl) : ''}userdb {
  driver = static
  args = uid=${ids.mailUid} gid=${ids.mailGid} home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
${archive ? ARCHIVE_MAILBOX : ''}}
protocol lmtp {
  postmaster_address = postmaster@parvis.test
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${ports.imaps}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${ports.lmtp}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
service auth {
  inet_listener auth {
    address = 127.0.0.1
    port = ${ports.auth}
  }
}
service anvil {
  chroot =
}
`;
}

interface PostfixPorts {
  mx: number;
  submission: number;
  smtps: number;
  lmtp: number;
  auth: number;
}

function postfixMainCf(dir: string, ports: PostfixPorts, domains: string[]): string {
  return `# Private Postfix for Parvis's real-server tests (generated).
compatibility_level = 3.6
queue_directory = ${dir}/spool
data_directory = ${dir}/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
myhostname = mail.parvis.test
mydomain = parvis.test
myorigin = parvis.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
relayhost =
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
virtual_mailbox_domains = ${domains.join(' ')}
virtual_mailbox_maps =
virtual_transport = lmtp:inet:127.0.0.1:${ports.lmtp}
smtpd_recipient_restrictions = reject_unauth_destination
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:${ports.auth}
smtpd_tls_cert_file = ${dir}/../cert.pem
smtpd_tls_key_file = ${dir}/../key.pem
smtpd_tls_security_level = may
smtputf8_enable = yes
`;
}

function postfixMasterCf(ports: PostfixPorts): string {
  const auth = '-o smtpd_sasl_auth_enable=yes -o smtpd_client_restrictions=permit_sasl_authenticated,reject -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject';
  return `# service type private unpriv chroot wakeup maxproc command
127.0.0.1:${ports.mx} inet n - n - - smtpd
127.0.0.1:${ports.submission} inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes ${auth}
127.0.0.1:${ports.smtps} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes ${auth}
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`;
}

/** Runs Postfix (root only) with its own config dir. */
interface SmtpSide {
  stop(): Promise<void>;
  flush(timeoutMs: number): Promise<void>;
  /** After Dovecot's auth restarted: SMTP sessions must not keep the lost SASL connection. */
  reload(): Promise<void>;
  log(): string;
}

async function startPostfix(dir: string, ports: PostfixPorts, domains: string[]): Promise<SmtpSide> {
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true });
  mkdirSync(join(dir, 'spool'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(etc, 'main.cf'), postfixMainCf(dir, ports, domains));
  writeFileSync(join(etc, 'master.cf'), postfixMasterCf(ports));
  // Creates the queue's subdirectories with Postfix's own owners and modes.
  await run('postfix', ['-c', etc, 'set-permissions', 'create-missing'], { name: 'postfix set-permissions' });
  const log = () => {
    try {
      return readFileSync(join(dir, 'maillog'), 'utf8').slice(-16_384);
    } catch {
      return '';
    }
  };
  await run('postfix', ['-c', etc, 'start'], { name: 'postfix start' }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${log()}`, { cause: err });
  });
  return {
    log,
    async reload() {
      await run('postfix', ['-c', etc, 'reload'], { name: 'postfix reload' });
    },
    async stop() {
      await run('postfix', ['-c', etc, 'abort'], { name: 'postfix abort' }).catch(() => undefined);
    },
    async flush(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const queue = await run('postqueue', ['-c', etc, '-j'], { name: 'postqueue' });
        if (queue.trim() === '') return;
        if (Date.now() > deadline) throw new Error(`Postfix still holds mail after ${timeoutMs} ms:\n${queue}\n${log()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/**
 * The submission stand-in for normal users (see the file's comment): smtp-server with AUTH checked
 * against the users file, handing each message to Dovecot's LMTP.
 */
async function startSmtpStandIn(dir: string, ports: PostfixPorts, users: RealMail['users'], domains: string[], introspectionUrl: string | null): Promise<SmtpSide> {
  const { SMTPServer } = await import('smtp-server');
  const nodemailer = await import('nodemailer');
  const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: ports.lmtp, lmtp: true, secure: false, ignoreTLS: true });
  const key = readFileSync(join(dir, 'key.pem'));
  const cert = readFileSync(join(dir, 'cert.pem'));
  const logLines: string[] = [];
  const pending = new Set<Promise<unknown>>();
  const known = { get: (address: string) => Object.values(users).find((u) => u.address === address)?.password };
  const make = (secure: boolean, auth: boolean) =>
    new SMTPServer({
      secure,
      key,
      cert,
      name: 'mail.parvis.test',
      authOptional: !auth,
      disabledCommands: auth ? (secure ? ['STARTTLS'] : []) : ['AUTH'],
      hideSTARTTLS: !auth && !secure ? false : secure,
      authMethods: introspectionUrl ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
      onAuth(session, _s, callback) {
        const refuse = () => callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
        if (session.method === 'XOAUTH2' && introspectionUrl) {
          // As Dovecot's oauth2 passdb does: the token's owner must be the user named.
          void fetch(introspectionUrl, { method: 'POST', body: new URLSearchParams({ token: session.accessToken ?? '' }) })
            .then((r) => r.json() as Promise<{ active?: boolean; username?: string }>)
            .then((answer) => (answer.active === true && answer.username === session.username ? callback(null, { user: session.username }) : refuse()), refuse);
          return;
        }
        if (known.get(session.username ?? '') === session.password) callback(null, { user: session.username });
        else refuse();
      },
      onRcptTo(address, _s, callback) {
        const domain = address.address.split('@')[1] ?? '';
        if (!auth && !domains.includes(domain)) callback(Object.assign(new Error('5.7.1 Relay access denied'), { responseCode: 554 }));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
          const delivery = lmtp.sendMail({ envelope, raw }).then(
            () => logLines.push(`delivered to ${envelope.to.join(', ')}`),
            (err: unknown) => logLines.push(`LMTP refused: ${String(err)}`),
          );
          pending.add(delivery);
          void delivery.finally(() => pending.delete(delivery));
          // Like an MTA: accepted once queued; delivery follows.
          callback();
        });
      },
      logger: false,
    });
  const servers = [
    { server: make(false, false), port: ports.mx },
    { server: make(false, true), port: ports.submission },
    { server: make(true, true), port: ports.smtps },
  ];
  for (const { server, port } of servers) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  }
  return {
    log: () => logLines.join('\n'),
    async reload() {
      // Checks passwords against `users` on each AUTH: nothing to reload.
    },
    async flush() {
      await Promise.all([...pending]);
    },
    async stop() {
      await Promise.all(servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
      lmtp.close();
    },
  };
}

/** Starts Dovecot and Postfix (or the stand-in) with two users: the brand's contact mailbox and a community member. */
export interface RealMailOptions {
  /** The brand's mailbox (default contact@parvis.test); its domain is local too. */
  brand?: MailUser;
  /** Servers' certificate signed by a private CA made for the run (`caPem`), instead of self-signed. */
  certificateAuthority?: boolean;
  /** A special-use `\Archive` folder in every mailbox (default); false: none, as on many older servers. */
  archiveFolder?: boolean;
  /**
   * OAuth 2 logins too (SASL XOAUTH2, as Gmail and Microsoft 365 want): Dovecot checks each access
   * token at this RFC 7662 introspection endpoint (see harness/oauth-server.ts). SMTP AUTH goes
   * through Dovecot's SASL (Postfix), or the stand-in asks the same endpoint.
   */
  oauth2IntrospectionUrl?: string;
}

export async function startRealMail(options: RealMailOptions = {}): Promise<RealMail> {
  const root = isRoot();
  const dir = tempDir('mail');
  // Dovecot's unprivileged processes and Postfix's must reach their files under it.
  chmodSync(dir, 0o755);
  if (options.certificateAuthority) await caSignedCertificate(dir);
  else await selfSignedCertificate(dir);
  const caPem = options.certificateAuthority ? readFileSync(join(dir, 'ca.pem'), 'utf8') : null;
  const certificatePem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const certificateFingerprint = new X509Certificate(certificatePem).fingerprint256;

  const users: RealMail['users'] = {
    brand: { ...(options.brand ?? { address: 'contact@parvis.test', password: 'brand-mailbox-pass' }) },
    alice: { address: 'alice@example.test', password: 'alice-mailbox-pass' },
    bob: { address: 'bob@example.test', password: 'bob-mailbox-pass' },
  };
  const domains = [...new Set(['parvis.test', 'example.test', ...Object.values(users).map((u) => u.address.split('@')[1]!)])];
  const dovecotDir = join(dir, 'dovecot');
  mkdirSync(join(dovecotDir, 'mail'), { recursive: true });
  chmodSync(dovecotDir, 0o755);
  writeFileSync(join(dovecotDir, 'cert.pem'), certificatePem);
  writeFileSync(join(dovecotDir, 'key.pem'), readFileSync(join(dir, 'key.pem')), { mode: 0o600 });
  const passwords = new Map(Object.values(users).map((u) => [u.address, u.password]));
  const writeUsers = () => {
    writeFileSync(join(dovecotDir, 'users'), [...passwords].map(([address, password]) => `${address}:{PLAIN}${password}\n`).join(''), { mode: 0o640 });
  };
  writeUsers();

  // As root: Dovecot's own system users for its processes, `nobody` owns the mailboxes. Otherwise all is ours.
  const me = userInfo();
  const mailOwner = root ? systemUser('nobody') : { uid: me.uid, gid: me.gid };
  if (!mailOwner) throw new Error('Running as root, the mailboxes need the system user "nobody".');
  if (root && (!systemUser('dovecot') || !systemUser('dovenull'))) {
    throw new Error('Running as root, Dovecot needs its system users "dovecot" and "dovenull" (Debian package dovecot-core).');
  }
  if (root) {
    chownSync(join(dovecotDir, 'mail'), mailOwner.uid, mailOwner.gid);
    // The auth process (user dovecot) reads the users file.
    chownSync(join(dovecotDir, 'users'), 0, systemUser('dovecot')!.gid);
  }
  const ids = root
    ? { internal: 'dovecot', internalGroup: 'dovecot', login: 'dovenull', mailUid: mailOwner.uid, mailGid: mailOwner.gid }
    : { internal: me.username, internalGroup: groupName(me.gid), login: me.username, mailUid: me.uid, mailGid: me.gid };

  const dovecotPorts: DovecotPorts = { imap: await freePort(), imaps: await freePort(), lmtp: await freePort(), auth: await freePort() };
  const smtpPorts: PostfixPorts = { mx: await freePort(), submission: await freePort(), smtps: await freePort(), lmtp: dovecotPorts.lmtp, auth: dovecotPorts.auth };
  const configPath = join(dovecotDir, 'dovecot.conf');
  writeFileSync(configPath, dovecotConfig(dovecotDir, dovecotPorts, ids, options.archiveFolder !== false, options.oauth2IntrospectionUrl ?? null));

  const dovecotLog = () => {
    try {
      return readFileSync(join(dovecotDir, 'dovecot.log'), 'utf8').slice(-16_384);
    } catch {
      return '';
    }
  };
  let dovecot: Child | null = null;
  const startDovecot = async () => {
    dovecot = startChild('dovecot', ['-F', '-c', configPath], { name: 'dovecot' });
    try {
      await waitForPort(dovecotPorts.imaps, dovecot);
      await waitForPort(dovecotPorts.imap, dovecot);
      await waitForPort(dovecotPorts.lmtp, dovecot);
      await waitForPort(dovecotPorts.auth, dovecot);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${dovecotLog()}`, { cause: err });
    }
  };
  const stopDovecot = async () => {
    // SIGTERM to the master stops its children too.
    await dovecot?.stop(10_000);
    dovecot = null;
  };

  let smtp: SmtpSide | null = null;
  try {
    await startDovecot();
    smtp = root ? await startPostfix(join(dir, 'postfix'), smtpPorts, domains) : await startSmtpStandIn(dir, smtpPorts, users, domains, options.oauth2IntrospectionUrl ?? null);
    await waitForPort(smtpPorts.mx, null, 15_000);
    await waitForPort(smtpPorts.submission, null, 15_000);
    await waitForPort(smtpPorts.smtps, null, 15_000);
  } catch (err) {
    await smtp?.stop();
    await stopDovecot();
    removeDir(dir);
    throw err;
  }

  return {
    host: '127.0.0.1',
    imapsPort: dovecotPorts.imaps,
    imapPort: dovecotPorts.imap,
    smtpsPort: smtpPorts.smtps,
    submissionPort: smtpPorts.submission,
    mxPort: smtpPorts.mx,
    certificatePem,
    caPem,
    certificateFingerprint,
    smtp: root ? 'postfix' : 'smtp-server',
    users,
    async setPassword(user, password) {
      passwords.set(user.address, password);
      user.password = password;
      writeUsers();
      // Dovecot's auth process keeps the passwd-file it read: a reload (SIGHUP) starts a fresh one.
      await run('doveadm', ['-c', configPath, 'reload'], { name: 'doveadm reload' });
      await waitForPort(dovecotPorts.auth, dovecot);
      await smtp!.reload();
    },
    async importMbox(user, mbox) {
      const source = join(dir, `import-${Date.now()}`);
      mkdirSync(source, { mode: 0o755 });
      writeFileSync(join(source, 'inbox'), mbox, { mode: 0o644 });
      // Read by doveadm as the mail user (nobody when root); the mbox "root" is the folder.
      if (root) chownSync(source, mailOwner.uid, mailOwner.gid);
      if (root) chownSync(join(source, 'inbox'), mailOwner.uid, mailOwner.gid);
      await run('doveadm', ['-c', configPath, 'import', '-u', user.address, `mbox:${source}:INBOX=${join(source, 'inbox')}`, '', 'mailbox', 'INBOX'], { name: 'doveadm import' });
      removeDir(source);
    },
    async restartImap() {
      await stopDovecot();
      await startDovecot();
    },
    async flushQueue(timeoutMs = 15_000) {
      await smtp!.flush(timeoutMs);
    },
    logs: () => `--- dovecot\n${dovecotLog()}\n--- smtp\n${smtp?.log() ?? ''}`,
    async stop() {
      await smtp?.stop();
      await stopDovecot();
      removeDir(dir);
    },
  };
}
