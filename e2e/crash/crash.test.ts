/**
 * The app survives being killed at any moment: SIGKILL at random (seeded) moments, aimed at open
 * ingest transactions, at replies in flight and at scheduled posts the network published before the
 * app recorded it, restart on the same profile, N times; then nothing is corrupted, duplicated, lost
 * or posted twice, every queued reply is sent and every scheduled post is published once per network.
 *
 * CRASH_RUNS sets N (10 by default; `CRASH_RUNS=50`, or `npx tsx e2e/crash/run.ts --full`, for the
 * long run); CRASH_SEED replays a run's choices.
 */
import { describe, expect, it } from 'vitest';
import { describeCrashReport, runCrashHarness } from './crash-harness';

const runs = Number(process.env.CRASH_RUNS ?? 10);
const seed = Number(process.env.CRASH_SEED ?? 20261124);

describe('crash safety', () => {
  it(`survives ${runs} kills without corruption, duplicates, losses or replies posted twice`, { timeout: 120_000 + runs * 15_000 }, async () => {
    const report = await runCrashHarness({ runs, seed });
    const summary = describeCrashReport(report).join('\n');
    expect(report.failures, summary).toEqual([]);
    expect(report.killsSurvived, summary).toBe(runs);
    expect(report.corruption, summary).toEqual([]);
    expect(report.duplicates, summary).toEqual([]);
    expect(report.losses, summary).toEqual([]);
    expect(report.repliesPostedTwice, summary).toEqual([]);
    expect(report.repliesNotDelivered, summary).toEqual([]);
    expect(report.postsLost, summary).toEqual([]);
    expect(report.postsPublishedTwice, summary).toEqual([]);
    expect(report.postsScheduled, summary).toBeGreaterThan(0);
    // The run did what it claims: the app worked, and kills landed in the windows that matter.
    expect(report.repliesPosted, summary).toBeGreaterThan(0);
    expect(report.repliesPosted, summary).toBe(report.repliesQueued);
    expect(report.messagesStored, summary).toBeGreaterThan(0);
    if (runs >= 5) expect(report.killsInsideIngest + report.killsAfterRemotePost, summary).toBeGreaterThan(0);
  });
});
