/**
 * Sends each client one movement frame per tick (protocol/movement-frame.ts) with what changed among the
 * avatars it may see:
 * - With interest management, only avatars in its area of interest, each only when it moved since it was
 *   last sent to this client, and farther ones less often: every tick within 10 m, every 2nd within 30 m,
 *   every 4th beyond (staggered by netId so the load is even). Its own avatar comes when it moved or when
 *   the acknowledged input changed.
 * - Without (the benchmark baseline), every avatar that moved this tick, to everyone: the frame is encoded
 *   once and only the receiver's ackSeq is patched in before each send.
 * Frames with nothing in them are not sent. Senders copy the frame, so one writer is reused throughout.
 */
import type { Client } from '@colyseus/core';
import { EncodedEntries, MovementFrameWriter, ServerMessage } from '../../protocol/index.js';
import type { Viewer } from './interest/interest-manager.js';

/** Update-rate tiers: every tick within 10 m, every 2nd within 30 m, every 4th beyond. */
const FULL_RATE_WITHIN = 10;
const HALF_RATE_WITHIN = 30;

export interface Mover extends Viewer {
  netId: number;
  client: Client;
  /** Last input applied (the receiver's own acknowledgement). */
  ackSeq: number;
  /** ackSeq last sent to this client. */
  ackSent: number;
  /** Tick this avatar last moved or turned. */
  movedAtTick: number;
  /** Tick this client was last sent its own position (-1: never, e.g. just joined or reconnected). */
  selfSentTick: number;
}

const FULL_RATE_WITHIN_2 = FULL_RATE_WITHIN * FULL_RATE_WITHIN;
const NONE: ReadonlyMap<string, Mover> = new Map();
const HALF_RATE_WITHIN_2 = HALF_RATE_WITHIN * HALF_RATE_WITHIN;

export class MovementBroadcaster {
  private readonly writer = new MovementFrameWriter();
  private readonly shared = new MovementFrameWriter();
  private readonly encoded = new EncodedEntries();
  /** Per netId, filled once per tick: when the avatar last moved, and where it is (metres). */
  private readonly movedAt = new Int32Array(65536);
  private readonly atX = new Float32Array(65536);
  private readonly atZ = new Float32Array(65536);

  constructor(private readonly filtered: boolean) {}

  /**
   * Sends this tick's frames to the movers and to `watchers` (spectators: they receive frames but have no
   * position of their own); returns how many were sent.
   */
  send(
    tick: number,
    movers: ReadonlyMap<string, Mover>,
    watchers: ReadonlyMap<string, Mover> = NONE,
  ): number {
    return this.filtered
      ? this.sendFiltered(tick, movers, movers) + this.sendFiltered(tick, NONE, watchers)
      : this.sendToEveryone(tick, movers, watchers);
  }

  /** Encodes `movers` (when given) and sends a frame to each of `viewers`. */
  private sendFiltered(
    tick: number,
    movers: ReadonlyMap<string, Mover>,
    viewers: ReadonlyMap<string, Mover>,
  ): number {
    const writer = this.writer;
    const encoded = this.encoded;
    const { movedAt, atX, atZ } = this;
    // Each avatar quantised once per tick (frames copy its ten bytes), its hot fields laid out by netId.
    for (const mover of movers.values()) {
      const id = mover.netId;
      encoded.encode(id, mover.body);
      movedAt[id] = mover.movedAtTick;
      atX[id] = mover.body.x;
      atZ[id] = mover.body.z;
    }
    let sent = 0;
    for (const viewer of viewers.values()) {
      writer.begin(tick, viewer.ackSeq, viewer.body.vy);
      if (viewer.movedAtTick > viewer.selfSentTick || viewer.ackSeq !== viewer.ackSent) {
        writer.addEncoded(encoded, viewer.netId);
        viewer.selfSentTick = tick;
      }
      // The hot loop reads typed arrays only: no object per avatar, no closure, no allocation.
      const visible = viewer.visible;
      const ids = visible.netIds;
      const lastSent = visible.lastSent;
      const count = visible.size;
      const vx = viewer.body.x;
      const vz = viewer.body.z;
      for (let i = 0; i < count; i++) {
        const id = ids[i]!;
        const last = lastSent[i]!;
        if (movedAt[id]! <= last) continue;
        if (last >= 0) {
          const dx = atX[id]! - vx;
          const dz = atZ[id]! - vz;
          const d2 = dx * dx + dz * dz;
          const interval = d2 < FULL_RATE_WITHIN_2 ? 1 : d2 < HALF_RATE_WITHIN_2 ? 2 : 4;
          if ((tick + id) % interval !== 0) continue;
        }
        writer.addEncoded(encoded, id);
        lastSent[i] = tick;
      }
      if (writer.entries > 0 || viewer.ackSeq !== viewer.ackSent) {
        viewer.client.sendBytes(ServerMessage.movement, writer.finish());
        viewer.ackSent = viewer.ackSeq;
        sent += 1;
      }
    }
    return sent;
  }

  private sendToEveryone(
    tick: number,
    movers: ReadonlyMap<string, Mover>,
    watchers: ReadonlyMap<string, Mover>,
  ): number {
    const shared = this.shared;
    shared.begin(tick, 0, 0);
    for (const mover of movers.values()) {
      if (mover.movedAtTick === tick) shared.add(mover.netId, mover.body);
    }
    const frame = shared.finish();
    let sent = 0;
    for (const group of [movers, watchers])
      for (const viewer of group.values()) {
        if (viewer.selfSentTick < 0) {
          // Just joined (or reconnected): everyone's position once.
          this.writer.begin(tick, viewer.ackSeq, viewer.body.vy);
          for (const mover of movers.values()) this.writer.add(mover.netId, mover.body);
          viewer.client.sendBytes(ServerMessage.movement, this.writer.finish());
        } else if (shared.entries > 0 || viewer.ackSeq !== viewer.ackSent) {
          shared.setReceiver(viewer.ackSeq, viewer.body.vy);
          viewer.client.sendBytes(ServerMessage.movement, frame);
        } else continue;
        viewer.selfSentTick = tick;
        viewer.ackSent = viewer.ackSeq;
        sent += 1;
      }
    return sent;
  }
}
