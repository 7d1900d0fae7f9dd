/**
 * Throughput of the moderation engine, for `npm run bench` (not a test: nothing here asserts
 * time). Texts are about 200 characters, French and English, about a quarter with an offensive
 * (often obfuscated) word, built from the seeded test messages.
 */
import { DEFAULT_LEXICONS } from './lexicon';
import { compileMatcher } from './matcher';
import { DEFAULT_RULES, evaluateRules, type RuleContext } from './rules';
import { generateSeededMessages } from './testdata/seeded-messages';

export interface ModerationBenchResult {
  name: string;
  messages: number;
  averageChars: number;
  seconds: number;
  /** Messages per wall-clock second. */
  messagesPerSecond: number;
  /**
   * Messages per second of this process's CPU time: the one-core figure, steadier than wall time
   * on a shared machine. Null where the runtime has no process CPU clock.
   */
  messagesPerCpuSecond: number | null;
  /** Matches found, so the work cannot be optimized away and runs can be compared. */
  matches: number;
}

/** Seconds of CPU used by this process so far (Node), or null elsewhere. */
function cpuSeconds(): number | null {
  const usage = globalThis.process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1e6 : null;
}

/** About 200-character messages: seeded messages joined until long enough. */
function benchTexts(count: number): string[] {
  const seeded = generateSeededMessages(7, count * 3).map((s) => s.message.text);
  const texts: string[] = [];
  let i = 0;
  while (texts.length < count) {
    let text = seeded[i++ % seeded.length] as string;
    while (text.length < 180) text = `${text} ${seeded[i++ % seeded.length] as string}`;
    texts.push(text.slice(0, 220));
  }
  return texts;
}

function timed(name: string, texts: readonly string[], minSeconds: number, run: (text: string) => number): ModerationBenchResult {
  // Warm-up: let the JIT compile the hot paths before measuring.
  for (const text of texts.slice(0, 2000)) run(text);
  let messages = 0;
  let matches = 0;
  const started = performance.now();
  const cpuStarted = cpuSeconds();
  let elapsed: number;
  do {
    for (const text of texts) matches += run(text);
    messages += texts.length;
    elapsed = (performance.now() - started) / 1000;
  } while (elapsed < minSeconds);
  const cpuEnded = cpuSeconds();
  const cpu = cpuStarted !== null && cpuEnded !== null ? cpuEnded - cpuStarted : null;
  const averageChars = texts.reduce((sum, t) => sum + t.length, 0) / texts.length;
  return {
    name,
    messages,
    averageChars: Math.round(averageChars),
    seconds: Number(elapsed.toFixed(3)),
    messagesPerSecond: Math.round(messages / elapsed),
    messagesPerCpuSecond: cpu ? Math.round(messages / cpu) : null,
    matches,
  };
}

/**
 * Measures the lexicon matcher alone (fold + match, language given) and the whole rules
 * evaluation with the shipped rules (language detection included), on one core.
 */
export function benchModeration(options: { messages?: number; minSeconds?: number } = {}): ModerationBenchResult[] {
  const texts = benchTexts(options.messages ?? 10_000);
  const minSeconds = options.minSeconds ?? 2;
  const { matcher } = compileMatcher(
    DEFAULT_LEXICONS.flatMap((l) => l.entries.map((e) => ({ ...e, language: l.language }))),
    DEFAULT_LEXICONS.flatMap((l) => l.allow),
  );
  const context: RuleContext = { authorPriorMessageCount: 3, flood: null };
  return [
    timed('lexicon matcher (fold + match)', texts, minSeconds, (text) => matcher.match(text, { language: 'fr' }).length),
    timed('rules evaluation (DEFAULT_RULES)', texts, minSeconds, (text) =>
      evaluateRules(DEFAULT_RULES, { text, network: 'mastodon', accountId: 1, authorHandle: 'a', authorRemoteId: '1' }, context).matchedRules.length,
    ),
  ];
}
