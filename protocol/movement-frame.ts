/**
 * Movement frames: where avatars are, sent by the room to each client as one small binary message per tick
 * (Colyseus "bytes" message, type ServerMessage.movement). Positions travel here instead of in the schema
 * state, so the per-client cost is writing a few bytes per visible avatar — not a per-client schema
 * encoding — and each client can get a different subset (its area of interest) at a different rate.
 *
 * Layout, little-endian:
 *   u32  tick     the room tick the positions are from
 *   u32  ackSeq   the last input of the *receiving* client the room has applied
 *   f32  selfVy   the receiving client's own vertical speed (m/s), for exact replay of a jump
 *   u16  count
 *   count × { u16 netId, u16 x, u16 z, u16 y, u16 yaw }   x/z quantised over the world, y over
 *                                                        [0, MAX_HEIGHT], yaw over a turn
 * An avatar is named by its `netId` (Avatar.netId in the schema state, which also carries name and colour).
 */
import { MAX_HEIGHT, WORLD_HALF_EXTENT } from './simulation.js';

/** Server → client message types (numbers: one byte on the wire). */
export const ServerMessage = {
  movement: 1,
} as const;

export const FRAME_HEADER_BYTES = 14;
export const FRAME_ENTRY_BYTES = 10;
const COUNT_OFFSET = 12;

const SPAN = WORLD_HALF_EXTENT * 2;
const TURN = Math.PI * 2;

/** Metres → 16-bit code over [-WORLD_HALF_EXTENT, WORLD_HALF_EXTENT] (about 2 mm steps). */
export const quantizePosition = (metres: number): number =>
  Math.round(
    ((Math.min(WORLD_HALF_EXTENT, Math.max(-WORLD_HALF_EXTENT, metres)) + WORLD_HALF_EXTENT) / SPAN) * 65535,
  );
export const dequantizePosition = (code: number): number => (code / 65535) * SPAN - WORLD_HALF_EXTENT;
/** Height in metres → 16-bit code over [0, MAX_HEIGHT] (0.25 mm steps). */
export const quantizeHeight = (metres: number): number =>
  Math.round((Math.min(MAX_HEIGHT, Math.max(0, metres)) / MAX_HEIGHT) * 65535);
export const dequantizeHeight = (code: number): number => (code / 65535) * MAX_HEIGHT;
/** Radians → 16-bit code over one turn (wrapping). */
export const quantizeYaw = (radians: number): number =>
  Math.round(((((radians % TURN) + TURN) % TURN) / TURN) * 65536) & 0xffff;
export const dequantizeYaw = (code: number): number => (code / 65536) * TURN;

/** Writes one frame entry (netId + quantised pose) at `offset` of `view`. */
function writeEntry(
  view: DataView,
  offset: number,
  netId: number,
  body: { x: number; y: number; z: number; yaw: number },
): void {
  view.setUint16(offset, netId, true);
  view.setUint16(offset + 2, quantizePosition(body.x), true);
  view.setUint16(offset + 4, quantizePosition(body.z), true);
  view.setUint16(offset + 6, quantizeHeight(body.y), true);
  view.setUint16(offset + 8, quantizeYaw(body.yaw), true);
}

/**
 * Every avatar's entry encoded once per tick, by netId, so a thousand frames that each carry up to K
 * avatars copy ten bytes per avatar instead of quantising it again for every viewer.
 */
export class EncodedEntries {
  /** FRAME_ENTRY_BYTES per netId (netIds are 16-bit). */
  readonly bytes = new Uint8Array(65536 * FRAME_ENTRY_BYTES);
  private readonly view = new DataView(this.bytes.buffer);

  encode(netId: number, body: { x: number; y: number; z: number; yaw: number }): void {
    writeEntry(this.view, netId * FRAME_ENTRY_BYTES, netId, body);
  }
}

/** Writes movement frames into one reusable buffer (grows when needed). */
export class MovementFrameWriter {
  private buffer = new ArrayBuffer(FRAME_HEADER_BYTES + 64 * FRAME_ENTRY_BYTES);
  private view = new DataView(this.buffer);
  private bytes = new Uint8Array(this.buffer);
  private count = 0;

  begin(tick: number, ackSeq: number, selfVy: number): void {
    this.count = 0;
    this.view.setUint32(0, tick >>> 0, true);
    this.setReceiver(ackSeq, selfVy);
  }

  add(netId: number, body: { x: number; y: number; z: number; yaw: number }): void {
    const offset = FRAME_HEADER_BYTES + this.count * FRAME_ENTRY_BYTES;
    if (offset + FRAME_ENTRY_BYTES > this.buffer.byteLength) this.grow();
    writeEntry(this.view, offset, netId, body);
    this.count += 1;
  }

  /** Adds the entry `entries` holds for `netId` (encoded this tick), by copying its bytes. */
  addEncoded(entries: EncodedEntries, netId: number): void {
    const offset = FRAME_HEADER_BYTES + this.count * FRAME_ENTRY_BYTES;
    if (offset + FRAME_ENTRY_BYTES > this.buffer.byteLength) this.grow();
    const source = entries.bytes;
    const from = netId * FRAME_ENTRY_BYTES;
    const target = this.bytes;
    for (let i = 0; i < FRAME_ENTRY_BYTES; i++) target[offset + i] = source[from + i]!;
    this.count += 1;
  }

  /** Rewrites the receiver's fields of the frame being written (to send one frame to several clients). */
  setReceiver(ackSeq: number, selfVy: number): void {
    this.view.setUint32(4, ackSeq >>> 0, true);
    this.view.setFloat32(8, selfVy, true);
  }

  get entries(): number {
    return this.count;
  }

  /** The frame written since begin(); valid until the next begin() (senders copy it). */
  finish(): Uint8Array {
    this.view.setUint16(COUNT_OFFSET, this.count, true);
    return new Uint8Array(this.buffer, 0, FRAME_HEADER_BYTES + this.count * FRAME_ENTRY_BYTES);
  }

  private grow(): void {
    const bigger = new ArrayBuffer(this.buffer.byteLength * 2);
    new Uint8Array(bigger).set(new Uint8Array(this.buffer));
    this.buffer = bigger;
    this.view = new DataView(bigger);
    this.bytes = new Uint8Array(bigger);
  }
}

export interface MovementFrameHeader {
  tick: number;
  ackSeq: number;
  selfVy: number;
  count: number;
}

/**
 * Reads a frame, calling `onEntry` for each avatar (positions in metres, yaw in radians). Throws on a
 * frame whose length does not match its count. Allocation-free apart from the returned header.
 */
export function readMovementFrame(
  bytes: Uint8Array,
  onEntry: (netId: number, x: number, z: number, y: number, yaw: number) => void,
): MovementFrameHeader {
  if (bytes.byteLength < FRAME_HEADER_BYTES)
    throw new Error(`movement frame: ${bytes.byteLength} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint16(COUNT_OFFSET, true);
  if (bytes.byteLength !== FRAME_HEADER_BYTES + count * FRAME_ENTRY_BYTES) {
    throw new Error(`movement frame: ${bytes.byteLength} bytes does not hold ${count} entries`);
  }
  for (let i = 0, offset = FRAME_HEADER_BYTES; i < count; i++, offset += FRAME_ENTRY_BYTES) {
    onEntry(
      view.getUint16(offset, true),
      dequantizePosition(view.getUint16(offset + 2, true)),
      dequantizePosition(view.getUint16(offset + 4, true)),
      dequantizeHeight(view.getUint16(offset + 6, true)),
      dequantizeYaw(view.getUint16(offset + 8, true)),
    );
  }
  return {
    tick: view.getUint32(0, true),
    ackSeq: view.getUint32(4, true),
    selfVy: view.getFloat32(8, true),
    count,
  };
}
