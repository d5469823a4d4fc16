/**
 * Live instances and population, read from the matchmaker's listings (Redis-backed when scaled out, so
 * every process sees every instance). The control plane reads through this; it never touches rooms, and
 * rooms import it from here (the floor below them).
 */
import { matchMaker } from '@colyseus/core';
import { RoomName } from '../../../protocol/index.js';

/** What the matchmaker lists about a world instance (its room's metadata, set by the world room). */
export interface InstanceMetadata {
  world: string;
  /** The world's organization id (population and quotas per organization). */
  org: string;
  instance: number;
  /** Spectators (embeds watching with no avatar) among the room's clients: not visitors. */
  spectators?: number;
}

export interface InstanceListing {
  instance: number;
  roomId: string;
  clients: number;
  maxClients: number;
  /** Visitors with an avatar: the clients less the spectators. */
  visitors: number;
}

const visitorsOf = (room: { clients: number; metadata?: unknown }): number =>
  room.clients - ((room.metadata as InstanceMetadata | undefined)?.spectators ?? 0);

export class InstanceDirectory {
  async instancesOf(slug: string): Promise<InstanceListing[]> {
    const rooms = await matchMaker.query({ name: RoomName.world });
    return rooms
      .filter((room) => (room.metadata as InstanceMetadata | undefined)?.world === slug)
      .map((room) => ({
        instance: (room.metadata as InstanceMetadata).instance,
        roomId: room.roomId,
        clients: room.clients,
        maxClients: room.maxClients,
        visitors: visitorsOf(room),
      }))
      .sort((a, b) => a.instance - b.instance);
  }

  /** Visitors per world slug, across instances and processes. */
  async byWorld(): Promise<Map<string, number>> {
    const rooms = await matchMaker.query({ name: RoomName.world });
    const counts = new Map<string, number>();
    for (const room of rooms) {
      const world = (room.metadata as InstanceMetadata | undefined)?.world;
      if (world) counts.set(world, (counts.get(world) ?? 0) + visitorsOf(room));
    }
    return counts;
  }

  /** Visitors across every world of an organization (for the peak-concurrency quota and metering). */
  async byOrg(orgId: string): Promise<number> {
    const rooms = await matchMaker.query({ name: RoomName.world });
    return rooms
      .filter((room) => (room.metadata as InstanceMetadata | undefined)?.org === orgId)
      .reduce((sum, room) => sum + visitorsOf(room), 0);
  }
}
