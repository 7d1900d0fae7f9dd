/**
 * Hostile inputs for the contract fuzz: wrong types, huge strings, deep nesting, NUL bytes, lone
 * surrogates, prototype-pollution keys, NaN and Infinity, arrays of 100,000 items, odd unicode,
 * and, for the web bridge, frames that are not even JSON. Drawn from a seeded generator so that a
 * failure replays from its seed.
 *
 * Two kinds of caller exist: the Electron bridge passes values through structured clone (NaN,
 * BigInt, Date, Map, typed arrays survive it), the web bridge passes JSON. `transport` picks which
 * values a generator may produce.
 */
import type { SeededRandom } from './seeded-random';

export type Transport = 'structured-clone' | 'json';

/** One hostile input and a short description of it (for the failure message). */
export interface HostileInput {
  input: unknown;
  description: string;
}

const MB = 1024 * 1024;
// Built once: the big ones are expensive to make and never mutated.
const HUGE_STRING = 'x'.repeat(MB + 7);
const HUGE_UNICODE = '🦄é\u0301'.repeat(120_000);
const HUNDRED_K_IDS = Array.from({ length: 100_000 }, (_, i) => i + 1);
const HUNDRED_K_STRINGS = Array.from({ length: 100_000 }, (_, i) => `open${i}`);

/** A value nested `depth` levels deep (built without recursion). */
function deeplyNested(depth: number, asArray: boolean): unknown {
  let value: unknown = asArray ? [] : {};
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** An object whose own keys are `__proto__`, `constructor` and `prototype`, as JSON.parse makes them. */
function pollutingObject(random: SeededRandom): Record<string, unknown> {
  return random.pick([
    () => JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>,
    () => JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}') as Record<string, unknown>,
    () => JSON.parse('{"__proto__": {"toString": "not a function"}, "prototype": null}') as Record<string, unknown>,
    () => ({ toString: 1, valueOf: 1 }),
    () => ({ hasOwnProperty: 'shadowed', length: -1 }),
  ])();
}

const STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'ab\uDFFFcd',
  '\u202Eevil\u202C',
  '\uFEFF',
  'e\u0301\u0301\u0301\u0301\u0301',
  "'; DROP TABLE messages; --",
  '" OR 1=1 --',
  'NEAR(a b) AND "x" * ^ : ( ) -',
  'from:',
  'from:"',
  '*',
  '"unterminated',
  '../../../../etc/passwd',
  'javascript:alert(1)',
  '<img src=x onerror=alert(1)>',
  '%s%n%x',
  '${process.exit(1)}',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  'null',
  '#ff00zz',
  'https://',
  'http://[::1',
  'mastodon.social/@x@y',
  'ä'.repeat(81),
];

/** One hostile value. */
export function hostileValue(random: SeededRandom, transport: Transport): unknown {
  const cloneOnly = (): unknown =>
    random.pick<() => unknown>([
      () => Number.NaN,
      () => Number.POSITIVE_INFINITY,
      () => Number.NEGATIVE_INFINITY,
      () => -0,
      () => 10n,
      () => undefined,
      () => new Date(Number.NaN),
      () => new Date(8.64e15),
      () => /.*/g,
      () => new Map([[1, 2]]),
      () => new Set([1]),
      () => new Uint8Array([0, 255, 1]),
      () => new ArrayBuffer(8),
      () => Object.create(null) as object,
      // A sparse array (holes survive structured clone).
      () => {
        const holes: unknown[] = [];
        holes[2] = 1;
        return holes;
      },
    ])();
  const anyTransport = (): unknown =>
    random.pick<() => unknown>([
      () => null,
      () => true,
      () => false,
      () => 0,
      () => -1,
      () => 1.5,
      () => 2 ** 53 + 2,
      () => -(2 ** 31),
      () => Number.MAX_VALUE,
      () => 1e21,
      () => random.pick(STRINGS),
      () => HUGE_STRING,
      () => HUGE_UNICODE,
      () => [],
      () => [random.pick(STRINGS)],
      () => HUNDRED_K_IDS,
      () => HUNDRED_K_STRINGS,
      () => ({}),
      () => pollutingObject(random),
      () => deeplyNested(random.int(1_000, 5_000), random.chance(0.5)),
      () => Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, {}])),
      () => [random.int(-5, 5), random.pick(STRINGS), null],
    ])();
  return transport === 'structured-clone' && random.chance(0.25) ? cloneOnly() : anyTransport();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === undefined) return 'undefined';
  // Never recursive: some of these values are nested thousands deep.
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Date || value instanceof RegExp || value instanceof Map || value instanceof Set) return value.constructor.name;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.constructor.name;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length > 5 ? `object(${keys.length} keys)` : `{${keys.join(',')}}`;
  }
  return String(value);
}

/** Every path to a leaf of a plain input (objects and arrays), root excluded. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])]);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  }
  return [];
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  // defineProperty, so that a key named __proto__ becomes an own property as JSON.parse makes it.
  Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function deleteAt(root: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}

/**
 * A hostile variant of a valid input: a whole hostile value, one field replaced by one, an extra
 * (possibly polluting) key, a field removed, or a valid input wrapped in the wrong type.
 */
export function hostileInput(random: SeededRandom, valid: unknown, transport: Transport): HostileInput {
  const fields = paths(valid);
  const strategy = random.int(0, 5);
  if (strategy === 0 || fields.length === 0) {
    const value = hostileValue(random, transport);
    return { input: value, description: describe(value) };
  }
  if (strategy <= 2) {
    const path = random.pick(fields);
    const value = hostileValue(random, transport);
    return { input: setAt(valid, path, value), description: `${path.join('.')} = ${describe(value)}` };
  }
  if (strategy === 3) {
    const key = random.pick(['__proto__', 'constructor', 'prototype', 'extra', '', '\u0000', 'toString']);
    const value = hostileValue(random, transport);
    const container = random.chance(0.5) ? [] : random.pick(fields).slice(0, -1);
    return { input: setAt(valid, [...container, key], value), description: `${[...container, key].join('.')} added = ${describe(value)}` };
  }
  if (strategy === 4) {
    const path = random.pick(fields);
    return { input: deleteAt(valid, path), description: `${path.join('.')} removed` };
  }
  return { input: random.pick([[valid], JSON.stringify(valid), { input: valid }]), description: 'valid input wrapped' };
}

/** A WebSocket text frame that is not a well-formed call. */
export function hostileFrame(random: SeededRandom): { frame: string; description: string } {
  const frames: [string, string][] = [
    ['{', 'truncated JSON'],
    ['', 'empty frame'],
    ['null', 'null'],
    ['[]', 'an array'],
    ['"call"', 'a string'],
    ['42', 'a number'],
    ['{"type":"call"}', 'a call without id or name'],
    ['{"type":"call","id":"1","name":"app.info"}', 'a string id'],
    ['{"type":"call","id":null,"name":"app.info"}', 'a null id'],
    ['{"type":"call","id":1e400,"name":"app.info"}', 'an id that overflows to Infinity'],
    ['{"type":"call","id":1,"name":{"toString":1}}', 'a name with a broken toString'],
    ['{"type":"call","id":1,"name":{"toString":1,"valueOf":1}}', 'a name that cannot become a string'],
    ['{"type":"call","id":1,"name":["app.info"]}', 'a name in an array'],
    ['{"type":"call","id":1,"name":"__proto__"}', 'the name __proto__'],
    ['{"type":"call","id":1,"name":"constructor"}', 'the name constructor'],
    ['{"type":"call","id":1,"name":"hasOwnProperty"}', 'the name hasOwnProperty'],
    ['{"type":"subscribe","event":"inbox.changed"}', 'an unknown type'],
    ['{"type":"result","id":1,"result":{"ok":true}}', 'a result sent to the server'],
    ['{"type":"event","name":"inbox.changed","payload":{}}', 'an event sent to the server'],
    ['{"__proto__":{"type":"call"},"id":1,"name":"app.info"}', 'the type hidden in __proto__'],
    [`{"type":"call","id":1,"name":"${'n'.repeat(900_000)}"}`, 'a 900 kB name'],
    [`${'['.repeat(200_000)}`, '200,000 unclosed brackets'],
    [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'an array nested 100,000 deep'],
    [`{"type":"call","id":1,"name":"app.info","input":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, 'an input nested 50,000 deep'],
    ['{"type":"call","id":1,"name":"app.info","input":{}}\u0000', 'a trailing NUL'],
    ['\uFEFF{"type":"call","id":1,"name":"app.info"}', 'a byte order mark'],
  ];
  const [frame, description] = random.pick(frames);
  return { frame, description };
}
