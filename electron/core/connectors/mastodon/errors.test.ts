/**
 * Every failure of the Mastodon server reaches the scheduler as a typed ConnectorError: 429 with the
 * wait from X-RateLimit-Reset, 401 as auth, 5xx and timeouts as network (after retries of safe
 * requests), a body that is not JSON as bad-response; never with a secret in the message.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MastodonServer } from '../../../../e2e/networks/mastodon';
import { ConnectorError, type AccountContext } from '../types';
import { startLocalMastodon, testConnector } from './fixtures/local-account';

let server: MastodonServer;
let ctx: AccountContext;

beforeEach(async () => {
  ({ server, ctx } = await startLocalMastodon());
});

afterEach(async () => {
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('Mastodon errors', () => {
  it('429 → rate-limited, retryAfterMs from X-RateLimit-Reset', async () => {
    server.control.failNext({ kind: 'rate-limit', resetInSeconds: 90 });
    const error = await failure(testConnector().poll(ctx, null));
    expect(error.kind).toBe('rate-limited');
    expect(error.status).toBe(429);
    // The reset is 90 s after the server answered; a little of it has passed since.
    expect(error.retryAfterMs).toBeGreaterThan(80_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(90_000);
    // Not retried: the wait belongs to the scheduler.
    expect(server.control.state().requests).toHaveLength(1);
  });

  it('a used-up window → rate-limited until the window resets; the last good poll said so', async () => {
    const limited = await startLocalMastodon({ rateLimit: { limit: 2, windowSeconds: 300 } });
    try {
      // A poll costs two requests (notifications, conversations): the window is now used up.
      const ok = await testConnector().poll(limited.ctx, null);
      expect(ok.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
      const error = await failure(testConnector().poll(limited.ctx, ok.cursor));
      expect(error.kind).toBe('rate-limited');
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(300_000);
      expect(ok.rateLimit!.resetAt! - Date.now()).toBeLessThanOrEqual(300_000);
    } finally {
      await limited.server.close();
    }
  });

  it('401 → auth, without the token in the message', async () => {
    server.control.expireTokens();
    const error = await failure(testConnector().poll(ctx, null));
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).not.toContain(server.control.accessToken);
    const unknown = await failure(testConnector().verify({ ...ctx, credentials: { accessToken: 'not-a-token' } }));
    expect(unknown.kind).toBe('auth');
  });

  it('no stored token → auth before any request', async () => {
    const error = await failure(testConnector().poll({ ...ctx, credentials: {} }, null));
    expect(error.kind).toBe('auth');
    expect(server.control.state().requests).toEqual([]);
  });

  it('no refresh token (Mastodon issues none) → refreshing is an auth error: sign in again', async () => {
    const error = await failure(testConnector().refreshCredentials(ctx));
    expect(error.kind).toBe('auth');
  });

  it('5xx on a read is retried with backoff, then succeeds', async () => {
    server.control.addMention({ from: 'alice', text: 'still delivered' });
    server.control.failNext({ kind: 'server-error', status: 502 }, 2);
    const result = await testConnector({ retries: 2 }).poll(ctx, null);
    expect(result.items).toHaveLength(1);
    expect(server.control.state().requests.filter((r) => r.path === '/api/v1/notifications').map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('5xx that persists → network error', async () => {
    server.control.failNext({ kind: 'server-error', status: 503 }, 3);
    const error = await failure(testConnector({ retries: 2 }).poll(ctx, null));
    expect(error).toMatchObject({ kind: 'network', status: 503 });
  });

  it('a hung server → network error after the timeout', async () => {
    server.control.failNext({ kind: 'hang' });
    const error = await failure(testConnector({ retries: 0, timeoutMs: 150 }).poll(ctx, null));
    expect(error.kind).toBe('network');
  });

  it('a body that is not JSON → bad-response', async () => {
    server.control.failNext({ kind: 'malformed' });
    const error = await failure(testConnector().poll(ctx, null));
    expect(error.kind).toBe('bad-response');
  });

  it('a reply whose answer was lost is retried with the same Idempotency-Key and posted once', async () => {
    const mention = server.control.addMention({ from: 'alice', text: 'question' });
    // The server creates the status, but a proxy answers 502: the retry must not post it again.
    server.control.loseNextAnswers(1, 502);
    const result = await testConnector({ retries: 2 }).reply(ctx, {
      conversationRemoteId: mention.statusId,
      parentRemoteId: mention.statusId,
      text: 'answer',
      idempotencyKey: 'outbox-42',
      parentExtra: { visibility: 'public', author: { id: server.control.status(mention.statusId)!.accountId, acct: 'alice' }, mentions: [] },
    });
    const posts = server.control.state().requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');
    expect(posts.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [502, 'outbox-42'],
      [200, 'outbox-42'],
    ]);
    expect(server.control.state().posted.filter((p) => p.idempotencyKey === 'outbox-42').map((p) => p.id)).toEqual([result.remoteId]);
  });
});
