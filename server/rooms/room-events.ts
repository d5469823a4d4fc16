/**
 * Control plane → running rooms, across processes: published scene versions, bans and deleted worlds travel on a
 * presence channel per world (Redis pub/sub when scaled out, in-process otherwise). Rooms of the world
 * subscribe while they live.
 */
import type { Presence } from '@colyseus/core';
import type { Logger } from 'pino';
import type { ModerationEvents, SceneEvents, WorldEvents } from '../control-plane/index.js';

export type WorldEvent =
  | { type: 'scene-published'; version: number }
  /** The draft was saved (previews reload it). */
  | { type: 'draft-saved'; revision: number }
  | { type: 'banned'; accountId: string; reason: string }
  | { type: 'kicked'; accountId: string; reason: string }
  | { type: 'muted'; accountId: string; reason: string }
  | { type: 'unmuted'; accountId: string }
  | { type: 'deleted' }
  /** The world's settings changed: reload them (capacity, voice mode). */
  | { type: 'settings-changed' }
  /** A visitor's LiveKit connection came or went (from LiveKit's webhooks, reconciled with the room list). */
  | { type: 'voice-presence'; sessionId: string; inVoice: boolean };

export const worldEventsChannel = (worldId: string): string => `mib:world-events:${worldId}`;

export class RoomEvents implements SceneEvents, ModerationEvents, WorldEvents {
  constructor(
    private readonly presence: Presence,
    private readonly logger: Logger,
  ) {}

  published(worldId: string, version: number): void {
    this.send(worldId, { type: 'scene-published', version });
  }

  draftSaved(worldId: string, revision: number): void {
    this.send(worldId, { type: 'draft-saved', revision });
  }

  banned(worldId: string, accountId: string, reason: string): void {
    this.send(worldId, { type: 'banned', accountId, reason });
  }

  kicked(worldId: string, accountId: string, reason: string): void {
    this.send(worldId, { type: 'kicked', accountId, reason });
  }

  muted(worldId: string, accountId: string, reason: string): void {
    this.send(worldId, { type: 'muted', accountId, reason });
  }

  unmuted(worldId: string, accountId: string): void {
    this.send(worldId, { type: 'unmuted', accountId });
  }

  deleted(worldId: string): void {
    this.send(worldId, { type: 'deleted' });
  }

  updated(worldId: string): void {
    this.send(worldId, { type: 'settings-changed' });
  }

  voicePresence(worldId: string, sessionId: string, inVoice: boolean): void {
    this.send(worldId, { type: 'voice-presence', sessionId, inVoice });
  }

  private send(worldId: string, event: WorldEvent): void {
    // The write that caused the event is already committed; a lost event only delays rooms until restart.
    Promise.resolve(this.presence.publish(worldEventsChannel(worldId), event)).catch((error: unknown) =>
      this.logger.error({ err: error, worldId, event: event.type }, 'telling running rooms failed'),
    );
  }
}

/**
 * Bridge → running rooms: tokens moved, bindings or gates changed. One channel for the whole server (rooms
 * do not know in advance whose tokens will move): each room re-checks its visitors among `accounts`
 * ('all' after a reorg) and reloads frames and gate when its world is among `worlds`.
 */
export interface NftEvent {
  type: 'holdings-changed';
  accounts: string[] | 'all';
  worlds: string[];
}

export const NFT_EVENTS_CHANNEL = 'mib:nft-events';

export class NftEvents {
  constructor(
    private readonly presence: Presence,
    private readonly logger: Logger,
  ) {}

  holdingsChanged(accounts: string[] | 'all', worlds: string[]): void {
    const event: NftEvent = { type: 'holdings-changed', accounts, worlds };
    Promise.resolve(this.presence.publish(NFT_EVENTS_CHANNEL, event)).catch((error: unknown) =>
      this.logger.error({ err: error }, 'telling running rooms about moved tokens failed'),
    );
  }
}
