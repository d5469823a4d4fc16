/**
 * The room state as seen by clients (Colyseus schema 5): who is there, not where. Positions change every
 * tick and travel in movement frames (movement-frame.ts); the schema carries what rarely changes, so a
 * client's StateView costs almost nothing to encode once an avatar is in it.
 */
import { schema, t, type SchemaType } from '@colyseus/schema';
import type { AvatarBody } from './simulation.js';

const avatarFields = () => ({
  /** Short id used in movement frames; unique within the room while the avatar is there. */
  netId: t.uint16().default(0),
  name: t.string().default(''),
  /** #rrggbb */
  color: t.string().default('#888888'),
  /** The scene entity the avatar sits on ('' = standing). */
  seat: t.string().default(''),
  /** The avatar's look, "<build>-<headwear>" (avatar-appearance.ts; '' = the default look). */
  appearance: t.string().default(''),
  /** Connected to its voice room (from LiveKit, reconciled by the server). */
  inVoice: t.boolean().default(false),
  /** Picture (asset sha-256) of the token the visitor wears: its newest active wearable binding ('' = none). */
  wearing: t.string().default(''),
  /** That token's model (asset sha-256 of its animation_url GLB, processed), once ready ('' = none). */
  wearingModel: t.string().default(''),
  /** Where the model sits: head, hand or back (wearable-slots.ts). */
  wearingSlot: t.string().default('head'),
  /** The visitor's own avatar model (asset sha-256 of an `avatar` upload; '' = the default figure). */
  avatarModel: t.string().default(''),
});

export const Avatar = schema(avatarFields(), 'Avatar');
export type Avatar = SchemaType<typeof Avatar>;

/**
 * A movable scene item (an interactable with action "grab"), keyed by its entity id. Quantised like
 * movement frames (movement-frame.ts): x/z over the world, y over [0, MAX_HEIGHT], yaw over a turn.
 */
export const Item = schema(
  {
    x: t.uint16().default(0),
    y: t.uint16().default(0),
    z: t.uint16().default(0),
    yaw: t.uint16().default(0),
    /** Session id of the visitor carrying it ('' = resting where it was put down). */
    heldBy: t.string().default(''),
  },
  'Item',
);
export type Item = SchemaType<typeof Item>;

/**
 * What an nft-frame of the scene shows, keyed by its entity id; a frame with no active binding is absent.
 * The picture is served by this server (GET /assets/files/<image>), never from the token's own host.
 */
export const NftFrame = schema(
  {
    /** The token's name from its metadata (or "#<id>"). */
    name: t.string().default(''),
    /** sha-256 of the token's picture in the asset store ('' = none could be read). */
    image: t.string().default(''),
    chainId: t.uint32().default(0),
    contract: t.string().default(''),
    tokenId: t.string().default(''),
    /** Asset hash of the token's model (its animation_url GLB, through the pipeline; '' = none or not yet). */
    model: t.string().default(''),
  },
  'NftFrame',
);
export type NftFrame = SchemaType<typeof NftFrame>;

/**
 * Room state with interest management: each client's StateView holds the avatars in its area of interest
 * (capped at the K nearest) plus its own; nothing else about other avatars reaches it.
 */
export const WorldState = schema(
  {
    avatars: t.map(Avatar).view(),
    /** Movable items within the client's area of interest (the K nearest), by entity id. */
    items: t.map(Item).view(),
    /** The demo button's press count: part of the world's saved state. */
    presses: t.uint32().default(0),
    /** The published scene version this instance runs (0 = none yet); changes when a new one is published. */
    sceneVersion: t.uint32().default(0),
    /** Tokens shown on the scene's nft-frames (few, for everyone: not filtered by interest). */
    frames: t.map(NftFrame),
    /** Visitors (avatars) in this instance, whether or not this client sees them; spectators not counted. */
    visitors: t.uint16().default(0),
  },
  'WorldState',
);
export type WorldState = SchemaType<typeof WorldState>;

/** The same state with interest management off: every avatar to every client (benchmark baseline). */
export const UnfilteredWorldState = schema(
  {
    avatars: t.map(Avatar),
    items: t.map(Item),
    presses: t.uint32().default(0),
    sceneVersion: t.uint32().default(0),
    frames: t.map(NftFrame),
    visitors: t.uint16().default(0),
  },
  'WorldState',
);

/**
 * An avatar as a client decodes it. Clients rebuild state classes from the handshake, so they read plain
 * fields of this shape rather than the Avatar class itself.
 */
export interface AvatarView {
  netId: number;
  name: string;
  color: string;
  seat: string;
  appearance: string;
  inVoice: boolean;
  /** Absent from states sent before wearables existed; treat as ''. */
  wearing?: string;
  /** Absent from states sent before worn models existed; treat as '' (and 'head'). */
  wearingModel?: string;
  wearingSlot?: string;
  /** Absent from states sent before custom avatars existed; treat as ''. */
  avatarModel?: string;
}

/** A movable item as a client decodes it (quantised; see Item). */
export interface ItemView {
  x: number;
  y: number;
  z: number;
  yaw: number;
  heldBy: string;
}

/** An nft-frame's content as a client decodes it (see NftFrame). */
export interface NftFrameView {
  name: string;
  image: string;
  chainId: number;
  contract: string;
  tokenId: string;
  /** Absent from states sent before frame models existed; treat as ''. */
  model?: string;
}

/** The room state as a client decodes it. */
export interface WorldStateView {
  /** Absent from states sent before frames existed; treat as empty. */
  frames?: Map<string, NftFrameView>;
  presses: number;
  sceneVersion: number;
  /** Absent from states sent before spectators existed. */
  visitors?: number;
  avatars: Map<string, AvatarView>;
  /** Absent from states sent before items existed; treat as empty. */
  items?: Map<string, ItemView>;
}

/** An avatar as a client draws it: who (name, colour) and where (metres; yaw in radians). */
export interface PlacedAvatar
  extends
    Omit<
      AvatarView,
      'netId' | 'seat' | 'appearance' | 'inVoice' | 'wearing' | 'wearingModel' | 'wearingSlot' | 'avatarModel'
    >,
    Pick<AvatarBody, 'x' | 'y' | 'z' | 'yaw'> {}
