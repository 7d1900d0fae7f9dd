/**
 * A 429 with a reset pauses only the account that got it, until the reset: another account keeps
 * polling meanwhile and its new mention arrives, the limited account's server sees no request
 * (not even on "poll now") before the reset, and the limited account resumes by itself after it.
 *
 * Real core, connectors and OAuth sign-ins; two local Mastodon servers, the first behind a relay
 * that records when each request arrives. Accounts poll every second (a settings test double).
 */
import { afterEach, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract';
import { DEFAULT_SETTINGS } from '../../../shared/model';
import { FAST_OUTBOX, FAST_SYNC, callCore, connectAccount, localEndpoints, networkWiring, startRelay, waitFor, type Relay } from '../../../e2e/networks/fixture';
import { startMastodonServer, type MastodonServer } from '../../../e2e/networks/mastodon';
import type { SettingsStore } from '../settings/settings-store';
import { makeCore } from '../testing/core-fixture';

/** Settings with a one-second poll interval (below what the UI allows, for a short test). */
const everySecond: SettingsStore = {
  get: () => ({ ...DEFAULT_SETTINGS, pollIntervalSeconds: 1 }),
  set: () => {
    throw new Error('read-only settings');
  },
};

const RESET_SECONDS = 3;

let core: ReturnType<typeof makeCore> | undefined;
const servers: MastodonServer[] = [];
let relay: Relay | undefined;

afterEach(async () => {
  await core?.dispose();
  await relay?.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function hasMessage(accountId: number, remoteId: string): boolean {
  return core!.db.prepare('SELECT 1 FROM messages WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId) !== undefined;
}

it('a 429 pauses only that account until its reset, while another account keeps polling', async () => {
  const limited = await startMastodonServer({ me: { username: 'atelierlumen', displayName: 'Atelier Lumen' } });
  const other = await startMastodonServer({ me: { username: 'lumen_support', displayName: 'Lumen Support' } });
  servers.push(limited, other);
  relay = await startRelay(limited.url);
  // Only the Mastodon connector is needed; Bluesky and YouTube endpoints are never reached.
  core = makeCore({
    ...networkWiring(localEndpoints({ bluesky: 'http://127.0.0.1:9', youtube: 'http://127.0.0.1:9' })),
    settings: everySecond,
    syncOptions: FAST_SYNC,
    outboxOptions: FAST_OUTBOX,
  });
  const statuses: SyncStatus[] = [];
  core.onEvent((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });

  const a = await connectAccount(core, { network: 'mastodon', fields: { server: relay.url } });
  const b = await connectAccount(core, { network: 'mastodon', fields: { server: other.url } });
  await waitFor('first polls', async () => (await callCore(core!, 'accounts.list', {})).every((acc) => acc.lastPollAt !== null));

  limited.control.failNext({ kind: 'rate-limit', resetInSeconds: RESET_SECONDS });
  const refused = await waitFor('the 429', () => statuses.find((s) => s.accountId === a.id && s.lastError?.kind === 'rate-limited'));
  const resetAt = refused.rateLimit?.resetAt ?? 0;
  const requestsAtRefusal = relay.requests.length;
  // Not an error state: the account waits for the reset, then polls.
  expect(refused).toMatchObject({ state: 'ok', polling: false, nextPollAt: resetAt, rateLimit: { remaining: 0 } });
  expect(resetAt).toBeGreaterThan(Date.now());

  const waitingMention = limited.control.addMention({ from: 'camille', text: 'Toujours pas de nouvelles de ma commande n°48213' }).statusId;
  const otherMention = other.control.addMention({ from: 'dan', text: 'Any update on my order #51877?' }).statusId;

  // The other account keeps polling on its own schedule: its mention arrives before the reset.
  await waitFor('the other account’s mention', () => hasMessage(b.id, otherMention), RESET_SECONDS * 1000);
  expect(Date.now()).toBeLessThan(resetAt);
  // Asking to poll the limited account now is answered locally: no request before the reset.
  await callCore(core, 'accounts.pollNow', { accountId: a.id });
  expect(relay.requests.length).toBe(requestsAtRefusal);
  expect(hasMessage(a.id, waitingMention)).toBe(false);

  // At the reset the limited account polls again by itself, and the mention arrives.
  await waitFor('the limited account’s mention after the reset', () => hasMessage(a.id, waitingMention), RESET_SECONDS * 1000 + 3000);
  const afterRefusal = relay.requests.slice(requestsAtRefusal);
  expect(afterRefusal.length).toBeGreaterThan(0);
  expect(afterRefusal.filter((r) => r.at < resetAt)).toEqual([]);
  const accountA = (await callCore(core, 'accounts.list', {})).find((acc) => acc.id === a.id);
  expect(accountA).toMatchObject({ state: 'ok', lastError: null });
});
