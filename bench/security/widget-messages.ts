/**
 * What a hostile host page posts to the embed's frame (bench:security widget): descriptors made here, in
 * Node, from a seed; the page turns each into the value it posts (`PAGE_BUILDER`), since most of the odd
 * ones — cyclic objects, Blobs, Maps, NaN, 10,000-deep nesting — cannot travel as JSON.
 *
 *   ignored     not a command: wrong channel, no id or one that is not a safe integer, a method the API
 *               does not have (constructor, __proto__, eval…), odd values as the whole message. The frame
 *               must not answer them, nor act on them.
 *   answered    a command the API has, with hostile arguments: wrong types, odd values, huge strings, XSS
 *               payloads, NaN and 1e308 vectors, spawns that do not exist. Each is answered exactly once,
 *               with a value or one of the documented error codes.
 *   burst       joins, leaves, teleports, chat and emotes posted at once without waiting: each answered
 *               once (done, or refused as busy), and the frame holds at most one seat.
 */
import { EMOTES } from '../../protocol/index.js';
import { XSS_PAYLOADS } from './script-watch.js';

/** A value the page builds: plain JSON, or one of the odd kinds by name. */
export type ValueSpec =
  | { json: unknown }
  | {
      odd:
        | 'date'
        | 'map'
        | 'set'
        | 'blob'
        | 'buffer'
        | 'typed'
        | 'regexp'
        | 'error'
        | 'nan'
        | 'infinity'
        | 'bigint'
        | 'cyclic'
        | 'deep'
        | 'huge'
        | 'nan-vectors'
        | 'sparse';
    };

/** One message: a whole odd value, or a command whose id, method and args are given. */
export type MessageSpec =
  { whole: ValueSpec } | { mib: unknown; id: ValueSpec; method: unknown; args: ValueSpec };

export interface Planned {
  spec: MessageSpec;
  /** The id a reply would carry, when the frame must answer it. */
  answerId: number | undefined;
}

const METHODS = ['join', 'leave', 'setCamera', 'teleport', 'sendChat', 'emote', 'getPopulation'] as const;
const NOT_METHODS = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'eval',
  'JOIN',
  '',
  'join ',
  'handler',
  'command',
];
const ODD: Array<Extract<ValueSpec, { odd: string }>['odd']> = [
  'date',
  'map',
  'set',
  'blob',
  'buffer',
  'typed',
  'regexp',
  'error',
  'nan',
  'infinity',
  'bigint',
  'cyclic',
  'deep',
  'huge',
  'nan-vectors',
  'sparse',
];

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/** A random JSON value, nested up to `depth`. */
function randomJson(random: () => number, depth = 3): unknown {
  const roll = random();
  if (depth <= 0 || roll < 0.35)
    return pick(
      [
        null,
        true,
        0,
        -1,
        1e308,
        -0.5,
        2 ** 53,
        '',
        'x',
        'wave',
        'north',
        ...Object.values(XSS_PAYLOADS),
        'a'.repeat(501),
        ' '.repeat(40),
      ],
      random,
    );
  if (roll < 0.6)
    return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth - 1));
  const keys = ['name', 'text', 'spawn', 'position', 'target', 'x', 'y', 'z', '__proto__', 'constructor'];
  return Object.fromEntries(
    Array.from({ length: 1 + Math.floor(random() * 4) }, () => [
      pick(keys, random),
      randomJson(random, depth - 1),
    ]),
  );
}

/** Arguments a method might be called with by a page that means harm (or has a bug). */
function hostileArgs(random: () => number): ValueSpec {
  const roll = random();
  if (roll < 0.25) return { odd: pick(ODD, random) };
  if (roll < 0.5) return { json: randomJson(random) };
  const payload = pick(Object.values(XSS_PAYLOADS), random);
  return {
    json: pick(
      [
        { name: payload },
        { text: payload },
        { name: 'x'.repeat(33) },
        { text: 'x'.repeat(100_000) },
        { spawn: payload },
        { spawn: 'nowhere' },
        { name: pick(EMOTES, random) },
        { name: 'moonwalk' },
        { position: { x: 1e308, y: 0, z: 0 }, target: { x: 0, y: 0, z: 0 } },
        { position: { x: '1', y: 0, z: 0 }, target: { x: 0, y: 0, z: 0 } },
        { position: [0, 0, 0], target: [0, 0, 0] },
        { position: { x: 1, y: 2, z: 3 }, target: { x: 0, y: 1, z: 0 } },
      ],
      random,
    ),
  };
}

/** `count` messages that must go unanswered, then `count` that must be answered, shuffled together. */
export function plannedMessages(count: number, random: () => number, firstId: number): Planned[] {
  const planned: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    const id = firstId + i;
    let spec: MessageSpec;
    if (roll < 0.2)
      spec = { whole: random() < 0.5 ? { json: randomJson(random) } : { odd: pick(ODD, random) } };
    else if (roll < 0.4)
      spec = {
        mib: pick(['Embed', 'mib', null, 1, 'embed '], random),
        id: { json: id },
        method: 'join',
        args: { json: {} },
      };
    else if (roll < 0.7)
      spec = {
        mib: 'embed',
        id:
          random() < 0.5
            ? { odd: pick(['nan', 'infinity', 'bigint', 'date'] as const, random) }
            : { json: pick([1.5, '7', null, -0.5, 2 ** 60, [1]], random) },
        method: pick(METHODS, random),
        args: { json: {} },
      };
    else
      spec = { mib: 'embed', id: { json: id }, method: pick(NOT_METHODS, random), args: hostileArgs(random) };
    planned.push({ spec, answerId: undefined });
  }
  for (let i = 0; i < count; i++) {
    const id = firstId + count + i;
    planned.push({
      spec: { mib: 'embed', id: { json: id }, method: pick(METHODS, random), args: hostileArgs(random) },
      answerId: id,
    });
  }
  // Shuffled (Fisher–Yates): the frame meets them interleaved.
  for (let i = planned.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [planned[i], planned[j]] = [planned[j]!, planned[i]!];
  }
  return planned;
}

/** Seat-changing commands and chatter posted all at once. */
export function burst(count: number, random: () => number, firstId: number): Planned[] {
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    const method = pick(
      ['join', 'leave', 'join', 'teleport', 'sendChat', 'emote', 'getPopulation'] as const,
      random,
    );
    const args =
      method === 'join'
        ? { name: `Burst ${i}` }
        : method === 'teleport'
          ? { spawn: pick(['north', 'south'], random) }
          : method === 'sendChat'
            ? { text: `burst ${i}` }
            : method === 'emote'
              ? { name: pick(EMOTES, random) }
              : {};
    return { spec: { mib: 'embed', id: { json: id }, method, args: { json: args } }, answerId: id };
  });
}

/**
 * The page's side: `window.__build(spec)` makes the value to post. Page code as text (this file is compiled
 * without the DOM's types).
 */
export const PAGE_BUILDER = `
window.__value = (spec) => {
  if ('json' in spec) return spec.json;
  switch (spec.odd) {
    case 'date': return new Date(0);
    case 'map': return new Map([['name', 'x']]);
    case 'set': return new Set(['join']);
    case 'blob': return new Blob(['x'.repeat(4096)]);
    case 'buffer': return new ArrayBuffer(65536);
    case 'typed': return new Float64Array([NaN, Infinity, -0]);
    case 'regexp': return /join/g;
    case 'error': return new Error('hostile');
    case 'nan': return NaN;
    case 'infinity': return Infinity;
    case 'bigint': return 10n ** 30n;
    case 'cyclic': { const o = { name: 'loop' }; o.self = o; o.position = o; return o; }
    case 'deep': { let o = { name: 'deep' }; for (let i = 0; i < 10000; i++) o = { name: o, text: o }; return o; }
    case 'huge': return { name: 'x'.repeat(5_000_000), text: 'y'.repeat(5_000_000) };
    case 'nan-vectors': return { position: { x: NaN, y: 0, z: 0 }, target: { x: 0, y: -Infinity, z: 0 } };
    case 'sparse': { const a = []; a[1e6] = 1; return a; }
  }
};
window.__build = (spec) => {
  if ('whole' in spec) return window.__value(spec.whole);
  return { mib: spec.mib, id: window.__value(spec.id), method: spec.method, args: window.__value(spec.args) };
};
`;
