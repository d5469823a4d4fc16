/**
 * Spectators: embeds that watch an instance with no avatar. Each has a camera the client moves (a
 * `spectatorCamera` message), and its area of interest is centred there — the same grid query and
 * movement frames as a visitor's, but nobody sees a spectator, it takes no visitor seat (the world's
 * capacity counts visitors only), it has no voice and it cannot chat, emote or use items. Seats for
 * spectators are capped per instance. A spectator becomes a visitor by joining again with `spectate` off.
 */
import { ServerError, type Client, type Room } from '@colyseus/core';
import { StateView } from '@colyseus/schema';
import { Avatar, type SpectatorCamera } from '../../protocol/index.js';
import { VisibleSet } from './interest/visible-set.js';
import type { InterestManager } from './interest/interest-manager.js';
import type { Mover } from './movement-broadcaster.js';

/** Most spectators per instance. */
export const SPECTATOR_SEATS = 200;

/** A spectator: a viewer with frames but no position of its own (movedAtTick and ackSeq never change). */
export type Spectator = Mover;

export class Spectators {
  readonly all = new Map<string, Spectator>();

  constructor(private readonly interest: InterestManager | undefined) {}

  get size(): number {
    return this.all.size;
  }

  has(sessionId: string): boolean {
    return this.all.has(sessionId);
  }

  /**
   * Seats a spectator with its camera at `at` (the spawn point the client watches first), or refuses the
   * join when the instance's SPECTATOR_SEATS are all taken.
   */
  seat(client: Client, at: { x: number; z: number }): Spectator {
    if (this.all.size >= SPECTATOR_SEATS)
      throw new ServerError(
        503,
        `join: all ${SPECTATOR_SEATS} spectator seats of this instance are taken; try again in a minute`,
      );
    const view = this.interest ? new StateView() : null;
    if (view) client.view = view;
    const spectator: Spectator = {
      client,
      // No avatar of its own: a placeholder that never enters the state, so no one can see it.
      avatar: new Avatar(),
      netId: 0,
      body: { x: at.x, y: 0, z: at.z, yaw: 0, vy: 0 },
      view,
      visible: new VisibleSet(),
      visibleItems: new Set(),
      phase: this.interest?.nextPhase() ?? 0,
      mark: 0,
      ackSeq: 0,
      ackSent: 0,
      movedAtTick: -1,
      selfSentTick: -1,
    };
    this.all.set(client.sessionId, spectator);
    return spectator;
  }

  /** Moves a spectator's area of interest to where its camera looks (ignored for anyone else). */
  moveCamera(client: Client, camera: SpectatorCamera): void {
    const spectator = this.all.get(client.sessionId);
    if (!spectator) return;
    spectator.body.x = camera.x;
    spectator.body.z = camera.z;
  }

  remove(sessionId: string): Spectator | undefined {
    const spectator = this.all.get(sessionId);
    if (!spectator) return undefined;
    this.all.delete(sessionId);
    spectator.visible.clear();
    spectator.visibleItems.clear();
    return spectator;
  }

  /** A reconnected spectator starts from a blank picture, as a visitor does. */
  reconnected(client: Client): void {
    const spectator = this.all.get(client.sessionId);
    if (!spectator) return;
    spectator.client = client;
    spectator.selfSentTick = -1;
    spectator.visible.resetSent();
  }
}

/**
 * Whether a room Colyseus found full (its clients and reserved seats at maxClients, or disposing) has all
 * its visitor seats taken: Colyseus counts spectators too, so those joined (`spectators`) and those with a
 * seat reserved (read from the reservation's join options) are taken off. Colyseus asks before reserving
 * a seat and to lock a full room, so a room full of visitors locks, while spectators never fill it.
 */
export function visitorSeatsFull(room: Room, spectators: number): boolean {
  // Colyseus keeps reserved seats privately: its join options tell spectators apart.
  const reserved = Object.values(
    (room as unknown as { _reservedSeats: Record<string, [unknown]> })._reservedSeats,
  );
  const total = room.clients.length + reserved.length;
  if (total < room.maxClients) return true; // full only because it is disposing
  const reservedSpectators = reserved.filter(
    ([options]) => (options as { spectate?: unknown } | null)?.spectate === true,
  );
  return total - spectators - reservedSpectators.length >= room.maxClients;
}
