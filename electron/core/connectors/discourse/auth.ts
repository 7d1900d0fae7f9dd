/**
 * Signing in to a Discourse forum with a User API Key, the flow Discourse made for desktop and
 * mobile apps (UserApiKeysController, "User API keys specification" on meta.discourse.org):
 *
 * 1. Parvis makes an RSA key pair and a nonce, and listens on 127.0.0.1 for the redirect;
 * 2. the browser opens `/user-api-key/new` with the application name, a client id, the scopes, the
 *    nonce, the public key and the loopback address as `auth_redirect`; the user approves there;
 * 3. Discourse redirects to the loopback with `payload`: the JSON `{ key, nonce, push, api }`
 *    encrypted with the public key (RSA, PKCS#1 v1.5 padding), in base64;
 * 4. Parvis decrypts it, checks the nonce, and keeps the key (keychain only).
 *
 * Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809, the Marvin attack) and Discourse
 * has no other padding, so the payload is decrypted with node-forge. The private key lives only
 * for the sign-in and is never stored. The forum's admin must allow the loopback address in the
 * site setting `allowed_user_api_auth_redirects` (e.g. `http://127.0.0.1:*`); Discourse refuses any
 * other redirect with "invalid access".
 */
import { generateKeyPair, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { z } from 'zod';
import { createHttpClient } from '../http';
import { sendPage } from '../oauth';
import type { SignInResult } from '../sign-in';
import { ConnectorError } from '../types';
import { DiscourseClient, type HttpFactory } from './client';
import { authorOf } from './convert';

export const DISCOURSE_APP_NAME = 'Parvis';
/** Reading (notifications, posts, review queue) and writing (replies, flags, moderation). */
export const DISCOURSE_SCOPES = ['read', 'write'] as const;

/** The forum's origin (and path, for forums under a sub-folder) from what the user typed. */
export function normalizeForumUrl(input: string): string {
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectorError('not-supported', `"${input.slice(0, 100)}" is not a forum address (try forum.example.com)`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConnectorError('not-supported', `Parvis connects to Discourse forums over https only, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new ConnectorError('not-supported', 'A forum address carries no user name or password');
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(latest|categories|top)$/, '');
  return `${url.origin}${path}`;
}

/** The decrypted payload Discourse sends back. */
const Payload = z.object({ key: z.string().min(16).max(200), nonce: z.string(), push: z.boolean().optional(), api: z.number().int().optional() });

/** Decrypts Discourse's base64 payload with the sign-in's private key and checks its nonce. */
export function decryptPayload(payloadBase64: string, privateKeyPem: string, nonce: string): string {
  let json: string;
  try {
    const privateKey = forge.pki.privateKeyFromPem(privateKeyPem);
    const bytes = forge.util.decode64(payloadBase64.replace(/\s+/g, ''));
    json = forge.util.decodeUtf8(privateKey.decrypt(bytes, 'RSAES-PKCS1-V1_5'));
  } catch {
    throw new ConnectorError('auth', 'The forum’s answer could not be decrypted with this sign-in’s key: start the sign-in again');
  }
  let parsed: z.infer<typeof Payload>;
  try {
    parsed = Payload.parse(JSON.parse(json));
  } catch {
    throw new ConnectorError('bad-response', 'The forum’s answer is not a User API Key payload');
  }
  const a = Buffer.from(parsed.nonce);
  const b = Buffer.from(nonce);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ConnectorError('auth', 'The forum’s answer belongs to another sign-in (its nonce differs): start the sign-in again');
  return parsed.key;
}

export interface UserApiKeyRequest {
  authorizeUrl: string;
  clientId: string;
  nonce: string;
  privateKeyPem: string;
}

/** A fresh RSA key pair for one sign-in, made off the event loop (it takes up to seconds). */
export async function signInKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  return promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** The approval page's address, with the sign-in's key pair, a fresh nonce and client id. */
export function userApiKeyRequest(forumUrl: string, redirectUri: string, keys: { publicKey: string; privateKey: string }): UserApiKeyRequest {
  const { publicKey, privateKey } = keys;
  const nonce = randomBytes(16).toString('hex');
  const clientId = `parvis-${randomBytes(12).toString('hex')}`;
  const url = new URL(`${forumUrl}/user-api-key/new`);
  url.searchParams.set('application_name', DISCOURSE_APP_NAME);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('scopes', DISCOURSE_SCOPES.join(','));
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('public_key', publicKey);
  url.searchParams.set('auth_redirect', redirectUri);
  return { authorizeUrl: url.toString(), clientId, nonce, privateKeyPem: privateKey };
}

export interface DiscourseSignInOptions {
  forum: string;
  openBrowser: (url: string) => void | Promise<void>;
  signal?: AbortSignal;
  timeoutMs?: number;
  createHttp?: HttpFactory;
}

/** Checks that a Discourse forum answers there (HEAD /user-api-key/new gives `Auth-Api-Version`). */
async function checkForum(forumUrl: string, createHttp: HttpFactory): Promise<void> {
  const http = createHttp({ baseURL: forumUrl, network: 'discourse', retries: 0 });
  let version: unknown;
  try {
    const res = await http.head('/user-api-key/new');
    version = (res.headers as Record<string, unknown>)['auth-api-version'];
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'network' && err.status === null) {
      throw new ConnectorError('network', `The forum ${new URL(forumUrl).host} did not answer: it may be down, or the address is wrong (${err.message})`);
    }
    version = undefined;
  }
  if (version === undefined) {
    throw new ConnectorError('bad-response', `No Discourse forum answers at ${new URL(forumUrl).host}, or it has User API Keys turned off: check the address (the forum’s home page).`);
  }
}

/** The whole User API Key sign-in: the browser approval, the key decrypted, who it belongs to. */
export async function signInWithUserApiKey(options: DiscourseSignInOptions): Promise<SignInResult> {
  const forumUrl = normalizeForumUrl(options.forum);
  const createHttp = options.createHttp ?? createHttpClient;
  await checkForum(forumUrl, createHttp);
  const keys = await signInKeyPair();
  const payload = await new Promise<{ key: string; request: UserApiKeyRequest }>((resolve, reject) => {
    let request: UserApiKeyRequest | null = null;
    let done = false;
    const finish = (err: ConnectorError | null, key?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      server.close();
      server.closeAllConnections();
      if (err || !request || key === undefined) reject(err ?? new ConnectorError('auth', 'Sign-in was cancelled'));
      else resolve({ key, request });
    };
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== '/discourse/callback') {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
        res.end('Not found');
        return;
      }
      const value = url.searchParams.get('payload');
      if (!value || !request) {
        sendPage(res, 400, 'unexpected');
        return;
      }
      // Only a payload this sign-in's key decrypts, with its nonce, ends the wait.
      let key: string;
      try {
        key = decryptPayload(value, request.privateKeyPem, request.nonce);
      } catch {
        sendPage(res, 400, 'unexpected');
        return;
      }
      res.once('close', () => finish(null, key));
      sendPage(res, 200, 'success');
    });
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const timer = setTimeout(() => finish(new ConnectorError('auth', `The sign-in was not completed within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const onAbort = () => finish(new ConnectorError('auth', 'Sign-in was cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    server.once('error', (err) => finish(new ConnectorError('network', `Could not listen on 127.0.0.1 for the sign-in redirect: ${err.message}`)));
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      request = userApiKeyRequest(forumUrl, `http://127.0.0.1:${port}/discourse/callback`, keys);
      Promise.resolve(options.openBrowser(request.authorizeUrl)).catch((err: unknown) =>
        finish(new ConnectorError('auth', `Could not open the browser for the sign-in: ${(err as Error).message}`)),
      );
    });
  });
  const { key } = payload;
  const client = new DiscourseClient({ forumUrl, key: { kind: 'user-api-key', key, clientId: payload.request.clientId }, createHttp, retries: 0 });
  const me = await client.currentUser();
  return {
    serverUrl: forumUrl,
    identity: authorOf(me, forumUrl),
    credentials: { mode: 'user-api-key', userApiKey: key, clientId: payload.request.clientId, username: me.username, staff: String(me.admin || me.moderator) },
  };
}

/** Staff: an admin API key (Admin › API › Keys) and the user it acts as. */
export async function signInWithApiKey(forum: string, username: string, apiKey: string, createHttp?: HttpFactory): Promise<SignInResult> {
  const forumUrl = normalizeForumUrl(forum);
  const client = new DiscourseClient({ forumUrl, key: { kind: 'api-key', key: apiKey.trim(), username: username.trim() }, createHttp, retries: 0 });
  const me = await client.currentUser();
  return {
    serverUrl: forumUrl,
    identity: authorOf(me, forumUrl),
    credentials: { mode: 'api-key', apiKey: apiKey.trim(), username: me.username, staff: String(me.admin || me.moderator) },
  };
}
