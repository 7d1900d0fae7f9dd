/**
 * Parvis's Bluesky connector against Bluesky's own test network (@atproto/dev-env: PLC, PDS,
 * AppView, ozone on private PostgreSQL and Redis), and the same scenario against the fake in
 * e2e/networks/bluesky.ts: both must give the same results, step by step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlueskyConnector, signInToBluesky } from '../../electron/core/connectors/bluesky/index';
import { ConnectorError } from '../../electron/core/connectors/types';
import { makeCore } from '../../electron/core/testing/core-fixture';
import { callCore, connectAccount } from '../networks/fixture';
import { fakeDriver, realDriver, type BlueskyDriver } from './bluesky/drivers';
import { runScenario, type Transcript } from './bluesky/scenario';

let real: BlueskyDriver;
let realTranscript: Transcript;

beforeAll(async () => {
  real = await realDriver();
});
afterAll(async () => {
  await real?.stop();
});

describe('Bluesky: the real network', () => {
  it('connects, polls, replies, hides, blocks, mutes (and undoes both) and reports, losing nothing', async () => {
    realTranscript = await runScenario(real);
    const step = (name: string) => realTranscript.steps.find((s) => s.step === name)!.items;
    expect(realTranscript.connectedAs).toBe('brand');

    expect(step('first poll')).toEqual([
      { kind: 'mention', author: 'bob.test', text: '@brand une question sur les tarifs', context: null, relation: null, moderation: 'visible' },
      { kind: 'mention', author: 'chloe.test', text: 'À lire absolument', context: 'Notre nouvelle version est là', relation: 'quote', moderation: 'visible' },
      { kind: 'comment', author: 'alice.test', text: 'Bravo pour la sortie', context: 'Notre nouvelle version est là', relation: 'reply', moderation: 'visible' },
    ]);
    // Four notifications at one time across pages of three, and one backdated by three hours.
    expect(step('ties and backdated').map((i) => i.text)).toEqual([
      '@brand écrit hors ligne hier',
      '@brand égalité deux',
      '@brand égalité quatre',
      '@brand égalité trois',
      '@brand égalité un',
    ]);
    // The network drops what blocked and muted authors write; the hidden reply stays hidden.
    expect(step('after hide, block and mute').map((i) => i.text)).toEqual(['Alice encore']);
    // Undone on the network: what they wrote meanwhile is listed again, and Parvis gets it.
    expect(step('after unblock and unmute').map((i) => i.text)).toEqual(['@brand Bob bloqué écrit', '@brand Chloé masquée écrit']);
    expect(realTranscript.reports).toEqual(['com.atproto.moderation.defs#reasonSpam', 'tools.ozone.report.defs#reasonHarassmentOther']);
  });

  it('the fake network gives the same results as the real one for the same scenario', async () => {
    expect(realTranscript).toBeDefined();
    const fake = await fakeDriver();
    try {
      expect(await runScenario(fake)).toEqual(realTranscript);
    } finally {
      await fake.stop();
    }
  });
});

describe('Bluesky: an account deleted on the server', () => {
  it('answers the way the fake says it does: app calls fail, session calls say the user is gone', async () => {
    const probes: Record<string, { status: number; error: string; message: string }>[] = [];
    const outcomes: unknown[] = [];
    for (const driver of [real, await fakeDriver()]) {
      const { credentials } = await signInToBluesky(driver.serverUrl, driver.brand.handle, driver.brand.appPassword);
      // Parvis itself, connected to the account before it goes.
      const core = makeCore({ networks: { endpoints: { bluesky: { service: driver.serverUrl } }, environment: {} } });
      const connected = await connectAccount(core, { network: 'bluesky', fields: { server: driver.serverUrl, handle: driver.brand.handle, password: driver.brand.appPassword } });
      await driver.deleteBrandAccount();
      // "Check now" answers that a new sign-in is needed, with the server's reason; no poll is planned.
      const outcome = await callCore(core, 'accounts.pollNow', { accountId: connected.id });
      expect(outcome).toMatchObject({ checked: true, account: { state: 'needs-sign-in', nextPollAt: null, lastError: { kind: 'auth' } } });
      outcomes.push({ state: outcome.account.state, kind: outcome.account.lastError?.kind, message: outcome.account.lastError?.message.replace(/did:plc:\w+/, 'DID') });
      await core.dispose();
      const call = async (nsid: string, init: RequestInit = {}) => {
        const res = await fetch(`${driver.serverUrl}/xrpc/${nsid}`, init);
        const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
        return { status: res.status, error: body.error ?? '', message: (body.message ?? '').replace(/did:plc:\w+/, 'DID') };
      };
      const bearer = (token: string | undefined) => ({ headers: { authorization: `Bearer ${token}` } });
      probes.push({
        getSession: await call('com.atproto.server.getSession', bearer(credentials.accessJwt)),
        refreshSession: await call('com.atproto.server.refreshSession', { method: 'POST', ...bearer(credentials.refreshJwt) }),
        listNotifications: await call('app.bsky.notification.listNotifications', bearer(credentials.accessJwt)),
      });
      // Parvis's connector reads it as a dead session: "sign in again", not "network".
      const connector = createBlueskyConnector({ retries: 0 });
      const err = await connector
        .poll({ accountId: 1, network: 'bluesky', serverUrl: driver.serverUrl, remoteId: '', handle: driver.brand.handle, credentials }, null)
        .then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as ConnectorError).kind).toBe('auth');
      if (driver !== real) await driver.stop();
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
    const [fromReal, fromFake] = probes;
    expect(fromReal!.getSession).toMatchObject({ status: 400, message: expect.stringMatching(/Could not find user info/) });
    expect(fromFake).toEqual(fromReal);
  });
});
