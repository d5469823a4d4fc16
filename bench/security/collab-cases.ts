/**
 * What a hostile editor sends the live editor room (bench:security collab): each case is one connection's
 * worth of messages, made from the draft as an honest studio holds it (`base`), with the outcomes that are right
 * for it. Kinds:
 *
 *   malformed   random bytes as an update or a state vector, a valid update cut short, bit flips in one
 *   oversized   a chunk over its byte cap, more parts than an update may have, a frame over the socket's
 *               cap, a 200 KB entity name (valid Yjs in 67 chunks, within the room's rate; the schema
 *               refuses it)
 *   forged      changes under another editor's Yjs client id, changes that depend on ones never sent, a
 *               resync without a welcome, a second state vector, chunks out of order, content outside the
 *               scene's shape (another root, text, binary, nested types, plain values for entities)
 *   invalid     well-formed changes the scene schema refuses (wrong types, unknown keys, foreign id tags)
 *   flood       messages over the room's rate, presence of the wrong shape, unknown message types, saves
 *
 * Outcomes: `closed` (the server closed this connection), `corrected` (an ack with a problem: the change
 * was put back), `applied` (an ack without one), `silent` (nothing within the wait).
 */
import * as Y from 'yjs';
import {
  chunksOf,
  EditorMessage,
  LIVE_CHUNK_BYTES,
  MAX_LIVE_UPDATE_BYTES,
  type Chunk,
} from '../../protocol/index.js';

export type Outcome = 'closed' | 'corrected' | 'applied' | 'silent';
export type CaseKind = 'malformed' | 'oversized' | 'forged' | 'invalid' | 'flood';

/** One message as the room gets it: its type and payload. */
export type Sent = [type: string, payload: unknown];

export interface FuzzCase {
  kind: CaseKind;
  name: string;
  /** Whether the connection first sends its state vector and waits for the welcome. */
  welcome: boolean;
  messages: Sent[];
  allowed: readonly Outcome[];
}

export interface CaseInput {
  /** The draft as an honest studio holds it (changes are made on top of what it has). */
  base: Uint8Array;
  /** This connection's Yjs client id, and the tag its new entity ids must end in. */
  clientId: number;
  idTag: string;
  /** A connected honest editor's Yjs client id (forgeries write under it). */
  victimId: number;
  random: () => number;
}

const CLOSED: readonly Outcome[] = ['closed'];
const CORRECTED: readonly Outcome[] = ['corrected'];
/** A bit flip may still be a valid change (a string's byte), or one the schema refuses. */
const ANY: readonly Outcome[] = ['closed', 'corrected', 'applied', 'silent'];

const chunkMessages = (kind: Chunk['kind'], bytes: Uint8Array, seq = 1): Sent[] =>
  chunksOf(kind, seq, bytes).map((chunk) => [EditorMessage.chunk, chunk]);

const randomBytes = (random: () => number, length: number) =>
  Uint8Array.from({ length }, () => Math.floor(random() * 256));

/** A document holding the draft, writing as `clientId`. */
function docOf(input: CaseInput, clientId = input.clientId): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, input.base);
  doc.clientID = clientId; // after the state: Yjs picks a new id when it sees its own in use
  return doc;
}

/** The update `change` makes on the draft, written as `clientId`. */
function changeOf(input: CaseInput, change: (doc: Y.Doc) => void, clientId = input.clientId): Uint8Array {
  const doc = docOf(input, clientId);
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

const entitiesOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('entities');

/** A new entity of this connection (a valid change), named `name`. */
function newEntity(input: CaseInput, name: unknown, extra: Record<string, unknown> = {}) {
  return changeOf(input, (doc) => {
    const map = new Y.Map<unknown>();
    entitiesOf(doc).set(`fuzz${Math.floor(input.random() * 1e9)}-${input.idTag}`, map);
    map.set('name', name);
    map.set('order', 'z0');
    map.set('transform/position', [0, 0, 0]);
    for (const [key, value] of Object.entries(extra)) map.set(key, value);
  });
}

/**
 * An existing entity the honest editors leave alone (a `prop-`): the base may hold honest changes the
 * server has not applied yet, and a change on top of those would depend on them.
 */
function someEntity(input: CaseInput): string {
  const doc = docOf(input);
  const all = [...entitiesOf(doc).keys()];
  const props = all.filter((id) => id.startsWith('prop-'));
  const ids = props.length > 0 ? props : all;
  return ids[Math.floor(input.random() * ids.length)]!;
}

const builders: Array<(input: CaseInput) => FuzzCase> = [
  (input) => ({
    kind: 'malformed',
    name: 'random bytes as an update',
    welcome: false,
    messages: chunkMessages('update', randomBytes(input.random, 1 + Math.floor(input.random() * 2_999))),
    allowed: CLOSED,
  }),
  (input) => ({
    kind: 'malformed',
    name: 'random bytes as a state vector',
    welcome: false,
    // A vector that still reads (a zero count) is answered with the whole draft: that is its job.
    messages: chunkMessages('vector', randomBytes(input.random, 2 + Math.floor(input.random() * 200))),
    allowed: ['closed', 'silent'],
  }),
  (input) => {
    const update = newEntity(input, 'cut short');
    return {
      kind: 'malformed',
      name: 'a valid update cut short',
      welcome: false,
      messages: chunkMessages(
        'update',
        update.subarray(0, 1 + Math.floor(input.random() * (update.length - 2))),
      ),
      allowed: CLOSED,
    };
  },
  (input) => {
    const update = newEntity(input, 'flipped').slice();
    for (let flips = 1 + Math.floor(input.random() * 4); flips > 0; flips--) {
      const at = Math.floor(input.random() * update.length);
      update[at] = update[at]! ^ (1 << Math.floor(input.random() * 8));
    }
    return {
      kind: 'malformed',
      name: 'bit flips in a valid update',
      welcome: false,
      messages: chunkMessages('update', update),
      allowed: ANY,
    };
  },
  () => ({
    kind: 'oversized',
    name: 'a chunk over its byte cap',
    welcome: false,
    messages: [
      [
        EditorMessage.chunk,
        { kind: 'update', seq: 1, part: 0, parts: 1, bytes: new Uint8Array(LIVE_CHUNK_BYTES + 1) },
      ],
    ],
    allowed: CLOSED,
  }),
  () => ({
    kind: 'oversized',
    name: 'more parts than an update may have',
    welcome: false,
    messages: [
      [
        EditorMessage.chunk,
        {
          kind: 'update',
          seq: 1,
          part: 0,
          parts: Math.ceil(MAX_LIVE_UPDATE_BYTES / LIVE_CHUNK_BYTES) + 1,
          bytes: new Uint8Array(10),
        },
      ],
    ],
    allowed: CLOSED,
  }),
  () => ({
    kind: 'oversized',
    name: 'a frame over the socket cap',
    welcome: false,
    messages: [
      [EditorMessage.chunk, { kind: 'update', seq: 1, part: 0, parts: 1, bytes: new Uint8Array(64 * 1024) }],
    ],
    allowed: CLOSED,
  }),
  (input) => ({
    kind: 'oversized',
    name: 'a 200 KB entity name',
    welcome: false,
    messages: chunkMessages('update', newEntity(input, 'n'.repeat(200_000))),
    allowed: CORRECTED,
  }),
  (input) => ({
    kind: 'forged',
    name: "changes under another editor's client id",
    welcome: false,
    messages: chunkMessages(
      'update',
      changeOf(input, (doc) => entitiesOf(doc).get(someEntity(input))?.set('name', 'Forged'), input.victimId),
    ),
    allowed: CLOSED,
  }),
  (input) => {
    // Two changes; only the second sent: it renames an entity the first made, which the server never gets.
    const doc = docOf(input);
    const id = `dep${Math.floor(input.random() * 1e9)}-${input.idTag}`;
    const map = new Y.Map<unknown>();
    entitiesOf(doc).set(id, map);
    map.set('name', 'First');
    map.set('order', 'z2');
    const middle = Y.encodeStateVector(doc);
    map.set('name', 'Second');
    return {
      kind: 'forged',
      name: 'changes that depend on ones never sent',
      welcome: false,
      messages: chunkMessages('update', Y.encodeStateAsUpdate(doc, middle)),
      allowed: CLOSED,
    };
  },
  (input) => ({
    kind: 'forged',
    name: 'a resync without a welcome',
    welcome: false,
    messages: chunkMessages('resync', newEntity(input, 'resync')),
    allowed: CLOSED,
  }),
  () => ({
    kind: 'forged',
    name: 'a second state vector on one connection',
    welcome: true,
    messages: chunkMessages('vector', new Uint8Array([0]), 0),
    allowed: CLOSED,
  }),
  (input) => {
    const chunks = chunksOf('update', 1, newEntity(input, 'o'.repeat(7_000)));
    return {
      kind: 'forged',
      name: 'chunks out of order',
      welcome: false,
      messages: [chunks[1]!, chunks[0]!].map((chunk): Sent => [EditorMessage.chunk, chunk]),
      allowed: CLOSED,
    };
  },
  (input) => {
    const shapes: Array<(doc: Y.Doc) => void> = [
      (doc) => doc.getMap('junk').set('k', 'x'.repeat(200_000)),
      (doc) => doc.getText('notes').insert(0, 'y'.repeat(200_000)),
      (doc) => doc.getMap('entities').set(`plain-${input.idTag}`, 'not a map'),
      (doc) => entitiesOf(doc).get(someEntity(input))?.set('name', new Uint8Array(100_000)),
      (doc) => entitiesOf(doc).get(someEntity(input))?.set('name', new Y.Text('hidden')),
      (doc) => entitiesOf(doc).get(someEntity(input))?.set('transform/position', new Y.Map()),
      (doc) => entitiesOf(doc).get(someEntity(input))?.set('name', new Y.Doc()),
    ];
    const shape = shapes[Math.floor(input.random() * shapes.length)]!;
    return {
      kind: 'forged',
      name: "content outside the scene's shape",
      welcome: false,
      messages: chunkMessages('update', changeOf(input, shape)),
      allowed: CLOSED,
    };
  },
  (input) => {
    const wrongs: Array<() => Uint8Array> = [
      () => newEntity(input, 42),
      () => newEntity(input, 'bad position', { 'transform/position': 'up' }),
      () => newEntity(input, 'unknown key', { secret: true }),
      () => newEntity(input, 'unknown component', { 'components/teleporter-9000': true }),
      () => newEntity(input, 'NaN', { 'transform/position': [Number.NaN, 0, 0] }),
      () => newEntity(input, 'a cycle', { parent: someEntity(input) }),
      () =>
        changeOf(input, (doc) => {
          const map = new Y.Map<unknown>();
          entitiesOf(doc).set(`foreign-tag-${Math.floor(input.random() * 1e6)}-zz`, map);
          map.set('name', 'not my tag');
          map.set('order', 'z1');
        }),
      () => changeOf(input, (doc) => entitiesOf(doc).get(someEntity(input))?.set('order', 17)),
    ];
    const wrong = wrongs[Math.floor(input.random() * wrongs.length)]!;
    // A parent that is another entity may be fine (no cycle, no rule broken): then it is applied.
    return {
      kind: 'invalid',
      name: 'a change the schema refuses',
      welcome: false,
      messages: chunkMessages('update', wrong()),
      allowed: ['corrected', 'applied'],
    };
  },
  () => ({
    kind: 'flood',
    name: 'messages over the room’s rate',
    welcome: false,
    messages: Array.from({ length: 400 }, (): Sent => [
      EditorMessage.presence,
      { selection: [], camera: null, pointer: null },
    ]),
    allowed: CLOSED,
  }),
  (input) => {
    const wrongs: unknown[] = [
      { selection: 'all' },
      { selection: Array.from({ length: 5_000 }, (_, i) => `e${i}`), camera: null, pointer: null },
      { selection: [], camera: { position: [1e308, 0, 0], target: [0, 0, 0] }, pointer: null },
      { selection: [], camera: null, pointer: [0, 0], extra: '<script>' },
      null,
      'presence',
    ];
    return {
      kind: 'flood',
      name: 'presence of the wrong shape',
      welcome: false,
      messages: [[EditorMessage.presence, wrongs[Math.floor(input.random() * wrongs.length)]]],
      allowed: CLOSED,
    };
  },
  () => ({
    kind: 'flood',
    name: 'an unknown message type',
    welcome: false,
    messages: [['__proto__', { polluted: true }]],
    allowed: ['closed', 'silent'],
  }),
  () => ({
    kind: 'flood',
    name: 'saves asked for over and over',
    welcome: false,
    messages: Array.from({ length: 60 }, (): Sent => [EditorMessage.save, undefined]),
    allowed: ['silent', 'closed'],
  }),
];

/** The `n`th case for `input` (the kinds in turn, so every one is exercised in a short run). */
export function fuzzCase(n: number, input: CaseInput): FuzzCase {
  return builders[n % builders.length]!(input);
}

export const CASE_BUILDERS = builders.length;
