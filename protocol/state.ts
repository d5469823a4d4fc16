/**
 * The room state as seen by clients (Colyseus schema 5). Positions are quantised on the wire to what a
 * client needs (about 2 mm over the world's extent); the server keeps exact floats in its simulation and
 * copies them here after each tick.
 */
import { schema, t, type SchemaType } from '@colyseus/schema';
import { WORLD_HALF_EXTENT } from './simulation.js';

export const Avatar = schema(
  {
    name: t.string().default(''),
    /** #rrggbb */
    color: t.string().default('#888888'),
    x: t.quantized({ min: -WORLD_HALF_EXTENT, max: WORLD_HALF_EXTENT, bits: 16 }).default(0),
    z: t.quantized({ min: -WORLD_HALF_EXTENT, max: WORLD_HALF_EXTENT, bits: 16 }).default(0),
    yaw: t.angle({ bits: 16 }).default(0),
    /** Sequence number of the last input the server applied for this avatar (for reconciliation). */
    ackSeq: t.uint32().default(0),
  },
  'Avatar',
);
export type Avatar = SchemaType<typeof Avatar>;

export const WorldState = schema(
  {
    avatars: t.map(Avatar),
    /** The demo button's press count: part of the world's saved state. */
    presses: t.uint32().default(0),
  },
  'WorldState',
);
export type WorldState = SchemaType<typeof WorldState>;

/**
 * An avatar as a client decodes it. Clients rebuild state classes from the handshake, so they read plain
 * fields of this shape rather than the Avatar class itself.
 */
export interface AvatarView {
  name: string;
  color: string;
  x: number;
  z: number;
  yaw: number;
  ackSeq: number;
}

/** The room state as a client decodes it. */
export interface WorldStateView {
  presses: number;
  avatars: Map<string, AvatarView>;
}
