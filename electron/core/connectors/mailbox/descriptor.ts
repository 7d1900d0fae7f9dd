/**
 * Email: a shared mailbox (contact@…, support@…) over IMAP and SMTP, with its address, password
 * and the servers' names; TLS always (implicit or STARTTLS), certificates checked, and a server
 * with its own certificate accepted only when the user enters that certificate's fingerprint or
 * picks the certificate authority that signed it (a PEM file, kept with the account).
 */
import { signInField } from '../../../../shared/networks';
import { browserFlow, type NetworkDescriptor, type NetworkEnvironment, type SignInSpec } from '../descriptor';
import { ConnectorError } from '../types';
import { EMAIL_CAPABILITIES, checkMailbox, createEmailConnector } from './index';
import { MAIL_OAUTH_PRESETS, MAIL_OAUTH_PROVIDERS, oauthCredentialsToRecord, signInToMailProvider, type MailOAuthProvider } from './oauth';
import { DEFAULT_PORTS, SECURITY, normalizeFingerprint, readCustomCa, readHost, trustServer, type MailSettings, type Security } from './settings';

/** `host:port` from the environment (tests point a provider at local servers), else the preset's. */
function serverOf(env: NetworkEnvironment, key: string, preset: { host: string; port: number }): { host: string; port: number } {
  const override = env.endpoints[key];
  if (!override) return preset;
  const [host, port] = override.split(':');
  return { host: readHost(host), port: Number(port) };
}

/**
 * Sign in with Google or Microsoft (OAuth 2, SASL XOAUTH2): Gmail and Microsoft 365 refuse
 * passwords (or will). The user's own OAuth client id, the provider's servers from its preset.
 */
const oauthSignIn: SignInSpec = {
  method: 'oauth',
  fields: [
    signInField({ name: 'email', kind: 'email', maxLength: 254, example: 'contact@example.com', autocomplete: 'email' }),
    signInField({ name: 'provider', kind: 'select', options: [...MAIL_OAUTH_PROVIDERS], defaultValue: 'google' }),
    signInField({ name: 'clientId', kind: 'text', maxLength: 300, example: '1234567890-abc.apps.googleusercontent.com' }),
    signInField({ name: 'clientSecret', kind: 'password', required: false, maxLength: 300 }),
    signInField({ name: 'certificate', kind: 'text', required: false, advanced: true, maxLength: 120, example: 'SHA-256 AB:CD:EF:…' }),
  ],
  yields: 'one',
  async start(fields, env) {
    const address = String(fields.email).trim().toLowerCase();
    const provider = String(fields.provider) as MailOAuthProvider;
    const preset = MAIL_OAUTH_PRESETS[provider];
    if (!preset) throw new ConnectorError('not-supported', `Parvis signs in with Google or Microsoft, not “${provider}”.`);
    const accepted = fields.certificate ? normalizeFingerprint(String(fields.certificate)) : null;
    if (fields.certificate && !accepted) throw new ConnectorError('not-supported', 'The certificate fingerprint is a SHA-256 one: 64 hexadecimal digits, with or without colons.');
    const client = { clientId: String(fields.clientId).trim(), ...(fields.clientSecret ? { clientSecret: String(fields.clientSecret) } : {}) };
    const authorizeUrl = env.endpoints[`${provider}.authorize`] ?? preset.authorizeUrl;
    const tokenUrl = env.endpoints[`${provider}.token`] ?? preset.tokenUrl;
    // Certificates first, before a token goes anywhere.
    const imap = await trustServer('imap', { ...serverOf(env, `${provider}.imap`, preset.imap), security: preset.imap.security, customCa: null }, accepted);
    const smtp = await trustServer('smtp', { ...serverOf(env, `${provider}.smtp`, preset.smtp), security: preset.smtp.security, customCa: null }, accepted);
    const settings: MailSettings = { v: 1, imap, smtp, address, login: address, oauth: { provider, tokenUrl } };
    return browserFlow(async (openBrowser, signal) => {
      const tokens = await signInToMailProvider({ authorizeUrl, tokenUrl, scope: preset.scope, extraParams: preset.extraParams, client, loginHint: address, openBrowser, signal, timeoutMs: 10 * 60_000 });
      await checkMailbox(settings, { accessToken: tokens.accessToken });
      return {
        serverUrl: `imap://${imap.host}:${imap.port}`,
        identity: { remoteId: address, handle: address, name: address },
        credentials: { ...oauthCredentialsToRecord(tokens), settings: JSON.stringify(settings) },
      };
    });
  },
};

export const mailbox: NetworkDescriptor = {
  id: 'mailbox',
  displayName: 'Email',
  icon: { glyph: '@', color: '#5b5b5b' },
  signIn: {
    method: 'server-login',
    fields: [
      signInField({ name: 'email', kind: 'email', maxLength: 254, example: 'contact@example.com', autocomplete: 'email' }),
      signInField({ name: 'password', kind: 'password', maxLength: 300 }),
      signInField({ name: 'imapHost', kind: 'text', maxLength: 253, example: 'imap.example.com' }),
      signInField({ name: 'imapSecurity', kind: 'select', options: [...SECURITY], defaultValue: 'tls' }),
      signInField({ name: 'smtpHost', kind: 'text', maxLength: 253, example: 'smtp.example.com' }),
      signInField({ name: 'smtpSecurity', kind: 'select', options: [...SECURITY], defaultValue: 'tls' }),
      signInField({ name: 'login', kind: 'text', required: false, advanced: true, maxLength: 254, example: 'contact@example.com', autocomplete: 'username' }),
      signInField({ name: 'imapPort', kind: 'number', required: false, advanced: true, minLength: 1, maxLength: 65535, example: '993' }),
      signInField({ name: 'smtpPort', kind: 'number', required: false, advanced: true, minLength: 1, maxLength: 65535, example: '465' }),
      signInField({ name: 'certificate', kind: 'text', required: false, advanced: true, maxLength: 120, example: 'SHA-256 AB:CD:EF:…' }),
      signInField({ name: 'customCa', kind: 'file', required: false, advanced: true, maxLength: 200_000, options: ['.pem', '.crt', '.cer'] }),
    ],
    yields: 'one',
    async start(fields) {
      const address = String(fields.email).trim().toLowerCase();
      const accepted = fields.certificate ? normalizeFingerprint(String(fields.certificate)) : null;
      if (fields.certificate && !accepted) throw new ConnectorError('not-supported', 'The certificate fingerprint is a SHA-256 one: 64 hexadecimal digits, with or without colons.');
      const customCa = fields.customCa ? readCustomCa(String(fields.customCa)) : null;
      const imapSecurity = String(fields.imapSecurity) as Security;
      const smtpSecurity = String(fields.smtpSecurity) as Security;
      // Certificates first, before the password goes anywhere.
      const imap = await trustServer('imap', { host: readHost(fields.imapHost), port: Number(fields.imapPort ?? DEFAULT_PORTS.imap[imapSecurity]), security: imapSecurity, customCa }, accepted);
      const smtp = await trustServer('smtp', { host: readHost(fields.smtpHost), port: Number(fields.smtpPort ?? DEFAULT_PORTS.smtp[smtpSecurity]), security: smtpSecurity, customCa }, accepted);
      const settings: MailSettings = { v: 1, imap, smtp, address, login: fields.login ? String(fields.login).trim() : address };
      const password = String(fields.password);
      await checkMailbox(settings, password);
      return {
        kind: 'done',
        results: [
          {
            serverUrl: `imap://${imap.host}:${imap.port}`,
            identity: { remoteId: address, handle: address, name: address },
            credentials: { password, settings: JSON.stringify(settings) },
          },
        ],
      };
    },
    alternatives: { oauth: oauthSignIn },
  },
  capabilities: EMAIL_CAPABILITIES,
  text: { maxReplyLength: EMAIL_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  publish: [],
  // SMTP has no idempotency key; findReply looks for the reply's Message-ID in Sent instead.
  idempotentWrites: false,
  createConnector: () => createEmailConnector(),
};
