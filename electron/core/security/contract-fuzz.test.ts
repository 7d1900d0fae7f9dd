/**
 * Every contract call, given random and malformed inputs through the dispatcher both bridges use
 * (values as the Electron bridge delivers them after structured clone, and as JSON): always a typed
 * error or a valid answer, never an exception, never `internal`, and the next valid call works.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../../shared/contract';
import { dispatch } from '../rpc';
import { envelopeProblems, pollutionProblems } from './envelope-check';
import { makeFuzzCore, type FuzzCore } from './fuzz-workspace';
import { hostileInput, hostileValue, type Transport } from './hostile-input';
import { SeededRandom } from './seeded-random';

const SEED = Number(process.env.FUZZ_SEED ?? 4242);
const INPUTS_PER_CALL = 60;

let core: FuzzCore | null = null;
afterEach(async () => {
  await core?.dispose();
  core = null;
});

/** What a transport does to a value on its way to the main process. */
function carry(value: unknown, transport: Transport): unknown {
  if (transport === 'structured-clone') return structuredClone(value);
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

async function stillAnswers(fuzz: FuzzCore): Promise<string[]> {
  const info = await dispatch(fuzz.handlers, 'app.info', {});
  const page = await dispatch(fuzz.handlers, 'inbox.list', { filter: {}, limit: 5 });
  return [...envelopeProblems('app.info', info), ...envelopeProblems('inbox.list', page)].map((p) => `next valid call: ${p}`);
}

describe('contract fuzz through dispatch', () => {
  for (const transport of ['structured-clone', 'json'] as const) {
    it(`answers ${INPUTS_PER_CALL} hostile inputs per call (${transport}) with typed errors`, { timeout: 120_000 }, async () => {
      const made = await makeFuzzCore();
      core = made.core;
      const random = new SeededRandom(SEED).fork(transport);
      const findings: string[] = [];
      let tried = 0;
      let refusedByTransport = 0;
      for (const name of CALL_NAMES) {
        for (let i = 0; i < INPUTS_PER_CALL; i++) {
          const { input, description } = hostileInput(random, made.valid[name], transport);
          tried++;
          let carried: unknown;
          try {
            carried = carry(input, transport);
          } catch {
            // The bridge itself cannot carry it (too deep to clone or serialize): it never arrives.
            refusedByTransport++;
            continue;
          }
          try {
            const answer = await dispatch(core.handlers, name, carried);
            for (const p of [...envelopeProblems(name, answer), ...pollutionProblems()]) findings.push(`${name} ${description}: ${p}`);
          } catch (err) {
            findings.push(`${name} ${description}: dispatch threw ${(err as Error).message}`);
          }
          if (i % 20 === 19) findings.push(...(await stillAnswers(core)));
        }
      }
      // Call names are free text in web mode: anything may come as a name.
      for (let i = 0; i < 200; i++) {
        const name = hostileValue(random, transport);
        tried++;
        let carried: unknown;
        try {
          carried = carry(name, transport);
        } catch {
          refusedByTransport++;
          continue;
        }
        try {
          const answer = await dispatch(core.handlers, carried, {});
          for (const p of envelopeProblems(undefined, answer)) findings.push(`name ${String(typeof name)}: ${p}`);
        } catch (err) {
          findings.push(`name ${String(typeof name)}: dispatch threw ${(err as Error).message}`);
        }
      }
      findings.push(...(await stillAnswers(core)));
      expect(tried).toBe(CALL_NAMES.length * INPUTS_PER_CALL + 200);
      // Most inputs do reach the core (a fuzz that only tests the transport proves nothing).
      expect(refusedByTransport).toBeLessThan(tried / 10);
      expect([...new Set(findings)].slice(0, 30)).toEqual([]);
    });
  }

  it('refuses prototype keys as call names, and never walks up the prototype chain', async () => {
    const made = await makeFuzzCore();
    core = made.core;
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(await dispatch(core.handlers, name, {})).toEqual({ ok: false, error: { kind: 'invalid-input', code: 'invalid-input', message: `Unknown call: ${name}` } });
    }
  });

  it('answers a name that cannot even become a string with a typed error', async () => {
    const made = await makeFuzzCore();
    core = made.core;
    const answer = await dispatch(core.handlers, { toString: 1, valueOf: 1 }, {});
    expect(answer).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });
});
