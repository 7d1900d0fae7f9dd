/**
 * A local OAuth 2 authorization server for the mail tests: what Google's or Microsoft's sign-in
 * does for a mail client, reduced to the parts a mailbox uses, on 127.0.0.1.
 * - `GET /authorize`: the consent page, approved at once for the address in `login_hint`
 *   (redirects to the loopback `redirect_uri` with a code); PKCE S256 required, the client known.
 * - `POST /token`: `authorization_code` (checks the PKCE verifier and the redirect) and
 *   `refresh_token` (the refresh token kept, Google-style); `invalid_grant` once revoked.
 * - `POST /introspect`: RFC 7662 token introspection (`token=` form), which Dovecot's `oauth2`
 *   passdb asks for each XOAUTH2 login: `{ active, username, scope, exp }`, inactive once expired.
 * Access tokens live `accessTokenTtlSeconds`; `expireAccessTokens()` ages every one issued.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAuthorizationServer {
  url: string;
  authorizeUrl: string;
  tokenUrl: string;
  introspectionUrl: string;
  clientId: string;
  /** Every access token issued so far expires now (introspection answers inactive). */
  expireAccessTokens(): void;
  /** Every refresh token is revoked: refreshing answers invalid_grant. */
  revokeRefreshTokens(): void;
  /** Grants asked at /token, in order (`authorization_code`, `refresh_token`). */
  grants: string[];
  /** The scopes each consent asked for. */
  scopesAsked: string[][];
  /** Introspection requests answered active / inactive. */
  introspections: { active: number; inactive: number };
  stop(): Promise<void>;
}

const token = () => randomBytes(24).toString('base64url');

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** `scopes`: the mail scopes it grants (Google's, Microsoft's); a consent must ask for one of them. */
export async function startFakeAuthorizationServer(options: { accessTokenTtlSeconds?: number; scopes: string[] }): Promise<FakeAuthorizationServer> {
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const clientId = 'parvis-test-client.apps.example.test';
  const codes = new Map<string, { user: string; challenge: string; redirectUri: string; scope: string }>();
  const access = new Map<string, { user: string; exp: number }>();
  const refresh = new Map<string, { user: string; revoked: boolean; scope: string }>();
  const grants: string[] = [];
  const scopesAsked: string[][] = [];
  const introspections = { active: 0, inactive: 0 };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const issue = (user: string) => {
    const accessToken = token();
    access.set(accessToken, { user, exp: Math.floor(Date.now() / 1000) + ttl });
    return accessToken;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/authorize') {
        const p = url.searchParams;
        const redirect = p.get('redirect_uri') ?? '';
        if (p.get('client_id') !== clientId || !/^http:\/\/127\.0\.0\.1:\d+\//.test(redirect)) return json(res, 400, { error: 'invalid_request' });
        const back = new URL(redirect);
        back.searchParams.set('state', p.get('state') ?? '');
        if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge') || p.get('response_type') !== 'code') {
          back.searchParams.set('error', 'invalid_request');
        } else if (!(scopesAsked[scopesAsked.push((p.get('scope') ?? '').split(' ')) - 1]!.some((s) => options.scopes.includes(s)))) {
          back.searchParams.set('error', 'invalid_scope');
        } else {
          const code = token();
          codes.set(code, { user: p.get('login_hint') ?? '', challenge: p.get('code_challenge')!, redirectUri: redirect, scope: p.get('scope') ?? '' });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (req.method === 'POST' && url.pathname === '/token') {
        const p = await form(req);
        grants.push(p.get('grant_type') ?? '');
        if (p.get('client_id') !== clientId) return json(res, 401, { error: 'invalid_client' });
        if (p.get('grant_type') === 'authorization_code') {
          const entry = codes.get(p.get('code') ?? '');
          codes.delete(p.get('code') ?? '');
          const verifier = p.get('code_verifier') ?? '';
          if (!entry || entry.redirectUri !== p.get('redirect_uri') || createHash('sha256').update(verifier).digest('base64url') !== entry.challenge) {
            return json(res, 400, { error: 'invalid_grant' });
          }
          const refreshToken = token();
          refresh.set(refreshToken, { user: entry.user, revoked: false, scope: entry.scope });
          return json(res, 200, { access_token: issue(entry.user), refresh_token: refreshToken, expires_in: ttl, token_type: 'Bearer', scope: entry.scope });
        }
        if (p.get('grant_type') === 'refresh_token') {
          const entry = refresh.get(p.get('refresh_token') ?? '');
          if (!entry || entry.revoked) return json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
          return json(res, 200, { access_token: issue(entry.user), expires_in: ttl, token_type: 'Bearer', scope: entry.scope });
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (req.method === 'POST' && url.pathname === '/introspect') {
        const p = await form(req);
        const entry = access.get(p.get('token') ?? '');
        const active = !!entry && entry.exp > Math.floor(Date.now() / 1000);
        introspections[active ? 'active' : 'inactive']++;
        return json(res, 200, active ? { active: true, username: entry!.user, exp: entry!.exp, client_id: clientId } : { active: false });
      }
      json(res, 404, { error: 'not_found' });
    })().catch(() => json(res, 500, { error: 'server_error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    authorizeUrl: `${url}/authorize`,
    tokenUrl: `${url}/token`,
    introspectionUrl: `${url}/introspect`,
    clientId,
    expireAccessTokens() {
      for (const entry of access.values()) entry.exp = 0;
    },
    revokeRefreshTokens() {
      for (const entry of refresh.values()) entry.revoked = true;
    },
    grants,
    scopesAsked,
    introspections,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
