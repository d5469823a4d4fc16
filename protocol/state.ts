/**
 * The room state as seen by clients (Colyseus schema 5). Positions are quantised on the wire to what a
 * client needs (about 2 mm over the world's extent); the server keeps exact floats in its simulation and
 * copies them here after each tick.
 */
import { schema, t, type SchemaType } from '@colyseus/schema';
import { WORLD_HALF_EXTENT } from './simulation.js';

/** View tag of fields only the avatar's own client receives. */
export const OWNER_VIEW_TAG = 1;

const avatarFields = () => ({
  name: t.string().default(''),
  /** #rrggbb */
  color: t.string().default('#888888'),
  x: t.quantized({ min: -WORLD_HALF_EXTENT, max: WORLD_HALF_EXTENT, bits: 16 }).default(0),
  z: t.quantized({ min: -WORLD_HALF_EXTENT, max: WORLD_HALF_EXTENT, bits: 16 }).default(0),
  yaw: t.angle({ bits: 16 }).default(0),
});

/**
 * An avatar. Its `ackSeq` (the last input the server applied, for the owner's reconciliation) is sent to
 * its own client only: it changes every tick while moving and nobody else needs it.
 */
export const Avatar = schema(
  { ...avatarFields(), ackSeq: t.uint32().default(0).view(OWNER_VIEW_TAG) },
  'Avatar',
);
export type Avatar = SchemaType<typeof Avatar>;

/**
 * Room state with interest management: each client receives only the avatars its StateView holds (its
 * area of interest, capped at the K nearest), plus its own.
 */
export const WorldState = schema(
  {
    avatars: t.map(Avatar).view(),
    /** The demo button's press count: part of the world's saved state. */
    presses: t.uint32().default(0),
  },
  'WorldState',
);
export type WorldState = SchemaType<typeof WorldState>;

/** The same state with interest management off: every avatar (and every ackSeq) to every client. */
export const UnfilteredAvatar = schema({ ...avatarFields(), ackSeq: t.uint32().default(0) }, 'Avatar');
export const UnfilteredWorldState = schema(
  { avatars: t.map(UnfilteredAvatar), presses: t.uint32().default(0) },
  'WorldState',
);

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
  /** Present on the client's own avatar only (undefined until the server first applies an input). */
  ackSeq?: number;
}

/** The room state as a client decodes it. */
export interface WorldStateView {
  presses: number;
  avatars: Map<string, AvatarView>;
}
