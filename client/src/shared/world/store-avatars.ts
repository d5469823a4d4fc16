/**
 * Avatars as the player's store holds them: remote ones with a ring of received positions (interpolated
 * when drawn), the visitor's own with its prediction state, how each is made, and how a position is
 * recorded without allocating.
 */
import {
  DEFAULT_WEARABLE_SLOT,
  bodyAt,
  type AvatarBody,
  type MoveInput,
  type WearableSlot,
} from '../../../../protocol/index.js';
import { createMotionState, type MotionState } from '../avatars/motion-state.js';
import { drawnLook, type DrawnLook } from '../avatars/avatar-look.js';

/** How an avatar's figure is drawn now, as the avatar renderer last wrote it (read by the name tags). */
export interface AvatarFigure {
  /** Metres above the feet where its name tag floats. */
  tagHeight: number;
}

/** Where a default figure's name tag floats: above its 1.87 m head. */
export const DEFAULT_TAG_HEIGHT = 2.1;

/** One received position of a remote avatar, stamped with the local receive time (ms). */
export interface Snapshot {
  t: number;
  x: number;
  y: number;
  z: number;
  yaw: number;
}

/** How many snapshots each remote avatar keeps (a ring): 16 × 50 ms = 0.8 s of history. */
export const SNAPSHOT_CAPACITY = 16;

export interface RemoteAvatar {
  id: string;
  name: string;
  color: string;
  /** `color` parsed once, for per-frame use without allocation. */
  colorHex: number;
  /** Its look as the room says ("<build>-<headwear>", '' = default), and as drawn (resolved once). */
  appearance: string;
  look: DrawnLook;
  /** Ring buffer of received snapshots; `head` is the next slot to write, `count` how many are valid. */
  snapshots: Snapshot[];
  head: number;
  count: number;
  /** Where the avatar is drawn this frame (interpolated). */
  rendered: AvatarBody;
  /** Connected to its voice room (the server reconciles this with LiveKit). */
  inVoice: boolean;
  /** Picture (asset hash) of the token it wears ('' = none). */
  wearing: string;
  /** That token's model (asset hash; '' = none) and where on the avatar it sits. */
  wearingModel: string;
  wearingSlot: WearableSlot;
  /** Its own avatar (asset hash of an `avatar` upload; '' = the default figure). */
  avatarModel: string;
  /** The scene item it sits on, as the room says ('' = standing). */
  seat: string;
  /** Which motion it plays (chosen from how it moves, or an emote it was told about). */
  motion: MotionState;
  figure: AvatarFigure;
}

export interface LocalAvatar {
  name: string;
  color: string;
  colorHex: number;
  appearance: string;
  look: DrawnLook;
  /** Predicted body: the server's last word plus every input it has not acknowledged yet. */
  predicted: AvatarBody;
  /** Inputs sent but not yet acknowledged, oldest first. */
  pending: MoveInput[];
  nextSeq: number;
  /** The scene item the avatar sits on, as the room says ('' = standing). */
  seat: string;
  /** Picture (asset hash) of the token it wears ('' = none). */
  wearing: string;
  /** That token's model (asset hash; '' = none) and where on the avatar it sits. */
  wearingModel: string;
  wearingSlot: WearableSlot;
  /** Its own avatar (asset hash; '' = the default figure), as the room says. */
  avatarModel: string;
  motion: MotionState;
  figure: AvatarFigure;
}

/** '#rrggbb' → 0xrrggbb (grey when malformed). */
export function parseColor(color: string): number {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? Number.parseInt(color.slice(1), 16) : 0x888888;
}

export function createRemoteAvatar(
  id: string,
  name: string,
  color: string,
  body: Pick<AvatarBody, 'x' | 'y' | 'z' | 'yaw'>,
  appearance = '',
): RemoteAvatar {
  return {
    id,
    name,
    color,
    colorHex: parseColor(color),
    appearance,
    look: drawnLook(appearance),
    snapshots: Array.from({ length: SNAPSHOT_CAPACITY }, () => ({
      t: 0,
      x: body.x,
      y: body.y,
      z: body.z,
      yaw: body.yaw,
    })),
    head: 0,
    count: 0,
    rendered: bodyAt(body.x, body.z, body.yaw),
    inVoice: false,
    wearing: '',
    wearingModel: '',
    wearingSlot: DEFAULT_WEARABLE_SLOT,
    avatarModel: '',
    seat: '',
    motion: createMotionState(),
    figure: { tagHeight: DEFAULT_TAG_HEIGHT },
  };
}

/** The visitor's own avatar, standing at the origin until the room places it. */
export function createLocalAvatar(name: string, color: string, appearance = ''): LocalAvatar {
  return {
    name,
    color,
    colorHex: parseColor(color),
    appearance,
    look: drawnLook(appearance),
    predicted: bodyAt(0, 0),
    pending: [],
    nextSeq: 1,
    seat: '',
    wearing: '',
    wearingModel: '',
    wearingSlot: DEFAULT_WEARABLE_SLOT,
    avatarModel: '',
    motion: createMotionState(),
    figure: { tagHeight: DEFAULT_TAG_HEIGHT },
  };
}

/** Records a received position (reusing the ring's slot; no allocation). */
export function pushSnapshot(
  avatar: RemoteAvatar,
  t: number,
  x: number,
  y: number,
  z: number,
  yaw: number,
): void {
  const slot = avatar.snapshots[avatar.head]!;
  slot.t = t;
  slot.x = x;
  slot.y = y;
  slot.z = z;
  slot.yaw = yaw;
  avatar.head = (avatar.head + 1) % SNAPSHOT_CAPACITY;
  if (avatar.count < SNAPSHOT_CAPACITY) avatar.count += 1;
}
