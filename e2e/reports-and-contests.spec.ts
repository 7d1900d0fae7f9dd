/**
 * Reports and contests on the demo workspace (issue 18):
 * - every figure of the reports screen equals the one this test computes from the raw rows, in
 *   French and in English, and the report prints to a PDF;
 * - a contest on two posts draws three winners; `npm run verify-draw` confirms the downloaded
 *   certificate and refuses a tampered one, and the draw is in the audit log.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../electron/core/app';
import { expect, test } from './fixtures';

// Business hours (the screen's default: Monday to Friday, 9:00 to 18:00) are counted here in UTC.
test.use({ timezoneId: 'UTC' });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Business milliseconds between a and b, Monday–Friday 9–18 UTC, day by day. */
function businessMs(a: number, b: number): number {
  let total = 0;
  for (let day = Math.floor(a / DAY) * DAY; day < b; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const start = Math.max(a, day + 9 * HOUR);
    const end = Math.min(b, day + 18 * HOUR);
    if (end > start) total += end - start;
  }
  return total;
}
const nearestRank = (values: number[], q: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
};

/** The report's headline figures, from the rows themselves. */
function figuresFromRows(core: Core, since: number, until: number) {
  const messages = core.db.prepare('SELECT id, conversation_id, author_id, direction, created_at FROM messages ORDER BY id').all() as {
    id: number; conversation_id: number; author_id: number | null; direction: string; created_at: number;
  }[];
  const conversations = core.db.prepare('SELECT id, created_at FROM conversations').all() as { id: number; created_at: number }[];
  const doneAt = core.db.prepare("SELECT conversation_id, at, detail FROM activity WHERE kind = 'status'").all() as { conversation_id: number; at: number; detail: string }[];
  const inPeriod = (t: number) => t >= since && t < until;
  const frt: number[] = [];
  const res: number[] = [];
  let count = 0;
  for (const c of conversations) {
    if (!inPeriod(c.created_at)) continue;
    const own = messages.filter((m) => m.conversation_id === c.id);
    const firstIn = Math.min(...own.filter((m) => m.direction === 'in').map((m) => m.created_at));
    if (!Number.isFinite(firstIn)) continue;
    count++;
    const outs = own.filter((m) => m.direction === 'out' && m.created_at >= firstIn).map((m) => m.created_at);
    if (outs.length) frt.push(businessMs(firstIn, Math.min(...outs)));
    const dones = doneAt.filter((d) => d.conversation_id === c.id && d.at >= firstIn && (JSON.parse(d.detail) as { status: string }).status === 'done').map((d) => d.at);
    if (dones.length) res.push(businessMs(firstIn, Math.min(...dones)));
  }
  const firstSeen = new Map<number, number>();
  for (const m of messages) if (m.author_id !== null && !firstSeen.has(m.author_id)) firstSeen.set(m.author_id, m.created_at);
  const activeAuthors = new Set(messages.filter((m) => m.direction === 'in' && m.author_id !== null && inPeriod(m.created_at)).map((m) => m.author_id!));
  return {
    messagesIn: messages.filter((m) => m.direction === 'in' && inPeriod(m.created_at)).length,
    messagesOut: messages.filter((m) => m.direction === 'out' && inPeriod(m.created_at)).length,
    conversations: count,
    firstResponseMedian: nearestRank(frt, 0.5),
    firstResponseP90: nearestRank(frt, 0.9),
    resolutionMedian: nearestRank(res, 0.5),
    resolutionP90: nearestRank(res, 0.9),
    withinTarget: count ? frt.filter((d) => d <= 60 * 60_000).length / count : null,
    newcomers: [...activeAuthors].filter((a) => inPeriod(firstSeen.get(a)!)).length,
  };
}

test('the reports screen shows the figures of the raw rows in French and English, and prints to PDF', async ({ app: page, parvis }) => {
  for (const [language, title, figureLabel] of [
    ['fr', 'Rapports', 'Messages reçus'],
    ['en', 'Reports', 'Messages in'],
  ] as const) {
    await parvis.core.handlers['settings.set']({ language });
    await page.reload();
    await page.locator('[data-screen="reports"]').click();
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    const screen = page.getByTestId('reports-screen');
    await expect(screen).toHaveAttribute('aria-busy', 'false');
    await expect(screen).toHaveAttribute('data-since', /\d+/);
    const since = Number(await screen.getAttribute('data-since'));
    const until = Number(await screen.getAttribute('data-until'));
    expect(until - since).toBe(30 * DAY);
    const expected = figuresFromRows(parvis.core, since, until);
    expect(expected.messagesIn).toBeGreaterThan(100);
    expect(expected.firstResponseMedian).not.toBeNull();
    const numbers = new Intl.NumberFormat(language);
    for (const [key, value] of Object.entries(expected)) {
      const figure = page.getByTestId(`figure-${key}`);
      const shown = await figure.getAttribute('data-value');
      if (value === null) expect(shown, key).toBe('');
      else expect(Number(shown), key).toBeCloseTo(value, 9);
      if (key === 'messagesIn' || key === 'messagesOut' || key === 'conversations' || key === 'newcomers') {
        await expect(figure.locator('.value'), key).toHaveText(numbers.format(value!));
      }
    }
    await expect(page.getByTestId('figure-messagesIn')).toContainText(figureLabel);
    // Each chart has its data table; the volume table sums to the figures.
    const volumeRows = page.getByTestId('chart-volume').locator('tbody tr');
    await expect(volumeRows).toHaveCount(30);
    const cells = await volumeRows.locator('td').allTextContents();
    const sum = (offset: number) => cells.filter((_, i) => i % 2 === offset).reduce((s, c) => s + Number(c), 0);
    expect(sum(0)).toBe(expected.messagesIn);
    expect(sum(1)).toBe(expected.messagesOut);
    await expect(page.getByTestId('chart-volume').locator('canvas')).toHaveAttribute('role', 'img');
  }

  // Printed, the report stands alone (no sidebar, no controls) and makes a PDF.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.sidebar')).toBeHidden();
  await expect(page.getByTestId('print-report')).toBeHidden();
  await expect(page.getByTestId('figure-messagesIn')).toBeVisible();
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(20_000);
  await page.emulateMedia({ media: 'screen' });
});

test('a contest on two posts draws three winners that verify-draw confirms, and refuses a tampered certificate', async ({ app: page, parvis }) => {
  await page.locator('[data-screen="contests"]').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Jeux concours' })).toBeVisible();
  await page.getByTestId('contest-name').fill('Lampe Dune');
  await page.locator('input[data-post="mastodon-giveaway-dune"]').check();
  await page.locator('input[data-post="bluesky-giveaway-dune"]').check();
  await page.getByTestId('contest-winners').fill('3');
  await page.getByTestId('contest-alternates').fill('2');

  // The entrants are the distinct people who commented on those two posts (brand excluded).
  const people = parvis.core.db
    .prepare(`SELECT DISTINCT ac.network || ':' || au.remote_id AS who FROM messages m
      JOIN conversations c ON c.id = m.conversation_id JOIN accounts ac ON ac.id = c.account_id JOIN authors au ON au.id = m.author_id
      WHERE c.context_remote_id IN ('mastodon-giveaway-dune', 'bluesky-giveaway-dune') AND m.direction = 'in' AND au.blocked = 0 AND m.moderation = 'visible'`)
    .all() as { who: string }[];
  expect(people.length).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId('contest-preview')).toHaveAttribute('data-entrants', String(people.length));

  // Asking for a mention on these networks breaks no rule; no warning.
  await expect(page.locator('[data-warning]')).toHaveCount(0);

  await page.getByTestId('contest-draw').click();
  const contest = page.locator('[data-contest="Lampe Dune"]');
  await expect(contest.getByTestId('winners').locator('li')).toHaveCount(3);
  await expect(contest.getByTestId('alternates').locator('li')).toHaveCount(2);
  await contest.getByTestId('check-draw').click();
  await expect(contest.getByTestId('check-result')).toHaveText(/Confirmé/);

  const [download] = await Promise.all([page.waitForEvent('download'), contest.getByTestId('download-certificate').click()]);
  const file = join(parvis.dataDir, 'certificate.json');
  await download.saveAs(file);
  const certificate = JSON.parse(readFileSync(file, 'utf8')) as { entrants: { authorId: string; network: string }[]; winners: { handle: string }[]; entrantsSha256: string };
  expect(certificate.entrants.map((e) => `${e.network}:${e.authorId}`).sort()).toEqual(people.map((p) => p.who).sort());
  await expect(contest.getByTestId('winners')).toContainText(certificate.winners[0]!.handle);

  const confirmed = execFileSync('npm', ['run', '--silent', 'verify-draw', '--', file], { encoding: 'utf8' });
  expect(confirmed).toContain('CONFIRMED');
  expect(confirmed).toContain(certificate.entrantsSha256);

  // Tampered: the first winner replaced by the last entrant who did not win.
  const tampered = JSON.parse(readFileSync(file, 'utf8')) as { entrants: unknown[]; winners: unknown[]; alternates: unknown[] };
  const loser = tampered.entrants.find((e) => ![...tampered.winners, ...tampered.alternates].some((w) => JSON.stringify(w) === JSON.stringify(e)));
  tampered.winners[0] = loser;
  const bad = join(parvis.dataDir, 'tampered.json');
  writeFileSync(bad, JSON.stringify(tampered, null, 2));
  let refused: { status: number; stderr: string } | null = null;
  try {
    execFileSync('npm', ['run', '--silent', 'verify-draw', '--', bad], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    refused = err as { status: number; stderr: string };
  }
  expect(refused?.status).toBe(1);
  expect(refused?.stderr).toContain('REFUSED');

  // The app refuses it too, and the draw is in the audit log.
  await page.getByTestId('verify-paste').fill(JSON.stringify(tampered));
  await page.getByTestId('verify-pasted').click();
  await expect(page.getByTestId('verify-result')).toContainText('Refusé');
  const audit = await parvis.core.handlers['audit.list']({ limit: 5 });
  expect(audit.items[0]).toMatchObject({ action: 'contest-draw' });
  expect(audit.items[0]!.target).toContain(certificate.entrantsSha256);
});
