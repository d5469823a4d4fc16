/**
 * The live editor room's messages (RoomName.editor). A studio joins with its Yjs client id, sends its state
 * vector, receives what it lacks (`welcome`), then sends its changes as Yjs updates; the server checks each
 * against the scene schema, relays it to the other editors and acknowledges it (`ack`: applied, or
 * corrected with the reason). Saves are announced (`saved`). Updates and vectors travel in chunks: a
 * WebSocket frame to the server holds at most MAX_MESSAGE_BYTES.
 */
import { z } from 'zod';
import { entityIdSchema, worldSlugSchema } from './scene-components.js';

export const EditorMessage = {
  /** client → server: a piece of a state vector or update (`chunkSchema`). */
  chunk: 'chunk',
  /** client → server: where this editor looks and what it has selected (`presenceSchema`). */
  presence: 'presence',
  /** client → server (request): save now; answers `{ etag }` once the draft holds everything applied. */
  save: 'save',
  /** server → client: what the client lacks after its vector (`WelcomeMessage`). */
  welcome: 'welcome',
  /** server → client: other editors' changes and the server's corrections (`{ update }`). */
  update: 'update',
  /** server → client: an update of this client's was applied (relayed) or corrected (`AckMessage`). */
  ack: 'ack',
  /** server → client: the draft was saved (`SavedMessage`). */
  saved: 'saved',
  /** server → client: this editor may no longer edit (`ReadOnlyMessage`); the full state follows. */
  readOnly: 'read-only',
} as const;

/** Bytes of update in one chunk (with its framing, within a MAX_MESSAGE_BYTES frame). */
export const LIVE_CHUNK_BYTES = 3_000;
/** Largest update (or state vector) a client may send, in bytes, all chunks together. */
export const MAX_LIVE_UPDATE_BYTES = 1024 * 1024;
/** Most messages one editor may send per second (chunks included); above it the server disconnects it. */
export const EDITOR_MESSAGES_PER_SECOND = 120;
/** Entities one editor may have selected, as others see it. */
export const MAX_PRESENCE_SELECTION = 200;
/** How long after the last applied change the draft is saved, and the longest it stays unsaved, in ms. */
export const LIVE_SAVE_QUIET_MS = 500;
export const LIVE_SAVE_MAX_MS = 2_000;

/** Yjs client ids are unsigned 32-bit integers. */
export const yjsClientIdSchema = z.number().int().min(1).max(0xffff_ffff);

export const editorJoinOptionsSchema = z.strictObject({
  world: worldSlugSchema,
  /** This studio's Yjs client id: unique among the editors connected; its new entity ids end in its tag. */
  clientId: yjsClientIdSchema,
});
export type EditorJoinOptions = z.infer<typeof editorJoinOptionsSchema>;

const bytesSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, {
  message: 'bytes are expected (a Uint8Array)',
});

export const chunkSchema = z.strictObject({
  /**
   * 'vector': this client's state vector (first, and again after each reconnect); 'update': a Yjs update of
   * this client's own changes; 'resync': the one update right after a welcome, with whatever the server
   * lacks — it may carry other editors' changes this client received before an outage.
   */
  kind: z.enum(['vector', 'update', 'resync']),
  /** The client's own sequence number of the update: acknowledged by `ack`. */
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  part: z.number().int().min(0),
  parts: z
    .number()
    .int()
    .min(1)
    .max(Math.ceil(MAX_LIVE_UPDATE_BYTES / LIVE_CHUNK_BYTES)),
  bytes: bytesSchema.refine(
    (b) => b.byteLength <= LIVE_CHUNK_BYTES,
    `a chunk holds at most ${LIVE_CHUNK_BYTES} bytes`,
  ),
});
export type Chunk = z.infer<typeof chunkSchema>;

const coordinate = z.number().min(-100_000).max(100_000);
const point = z.tuple([coordinate, coordinate, coordinate]);

export const presenceSchema = z.strictObject({
  selection: z.array(entityIdSchema).max(MAX_PRESENCE_SELECTION),
  /** The editor's camera: where it stands and what it looks at, metres (null until the viewport draws). */
  camera: z.strictObject({ position: point, target: point }).nullable(),
  /** Where the editor's pointer rests on the scene, metres; null when it is off the viewport. */
  pointer: point.nullable(),
});
export type Presence = z.infer<typeof presenceSchema>;

export interface WelcomeMessage {
  /** What the client lacks (a Yjs update). */
  update: Uint8Array;
  /** The server's state vector: the client sends what the server lacks as its first update. */
  vector: Uint8Array;
  /** The suffix this client's new entity ids end with (`-<tag>`), so no two editors mint the same id. */
  idTag: string;
  /** Whether this editor may change the draft. */
  canEdit: boolean;
  /** The ETag of the draft as last saved. */
  etag: string;
}

export interface AckMessage {
  seq: number;
  /** Set when the update was not kept: why, in words. The server's correction arrives as an `update`. */
  problem?: string;
}

export interface SavedMessage {
  etag: string;
  /** The last of this client's updates the save holds (−1 when none). */
  seq: number;
}

export interface ReadOnlyMessage {
  reason: string;
  /** The draft as the server holds it (a Yjs update): the studio's copy from now on. */
  state: Uint8Array;
}

/** The suffix of new entity ids an editor with Yjs client id `clientId` mints. */
export function idTagOf(clientId: number): string {
  return clientId.toString(36);
}

/** Splits an update into chunks for `EditorMessage.chunk`. */
export function chunksOf(kind: Chunk['kind'], seq: number, bytes: Uint8Array): Chunk[] {
  const parts = Math.max(1, Math.ceil(bytes.byteLength / LIVE_CHUNK_BYTES));
  return Array.from({ length: parts }, (_, part) => ({
    kind,
    seq,
    part,
    parts,
    bytes: bytes.subarray(part * LIVE_CHUNK_BYTES, (part + 1) * LIVE_CHUNK_BYTES),
  }));
}

/** Reassembles chunks in order; answers the whole bytes once the last arrives, or why they are refused. */
export class ChunkAssembler {
  private seq = -1;
  private kind: Chunk['kind'] | undefined;
  private parts: Uint8Array[] = [];

  /** The complete message, null while parts are missing, or a string saying what is wrong. */
  add(chunk: Chunk): { kind: Chunk['kind']; seq: number; bytes: Uint8Array } | null | string {
    if (chunk.part === 0) {
      this.seq = chunk.seq;
      this.kind = chunk.kind;
      this.parts = [];
    } else if (chunk.seq !== this.seq || chunk.kind !== this.kind || chunk.part !== this.parts.length)
      return `chunk ${chunk.part} of update ${chunk.seq} arrived out of order`;
    if (chunk.part >= chunk.parts) return `chunk ${chunk.part} is beyond the ${chunk.parts} announced`;
    this.parts.push(chunk.bytes);
    if (this.parts.length < chunk.parts) return null;
    const total = this.parts.reduce((sum, part) => sum + part.byteLength, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const part of this.parts) {
      bytes.set(part, at);
      at += part.byteLength;
    }
    this.parts = [];
    return { kind: chunk.kind, seq: chunk.seq, bytes };
  }
}
