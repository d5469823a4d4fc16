/**
 * Client-side picture of the avatars a client may see: who they are (from the schema state) joined with
 * where they are (from movement frames), by netId. A frame can name an avatar before the state patch that
 * introduces it arrives; such early positions are kept and applied when it does. Used by the player, the
 * bots and the tests, so they all read the room the same way.
 */
import type { PlacedAvatar, WorldStateView } from './state.js';
import { readMovementFrame, type MovementFrameHeader } from './movement-frame.js';
import { wearableSlot, type WearableSlot } from './wearable-slots.js';

export interface TrackedAvatar extends PlacedAvatar {
  sessionId: string;
  netId: number;
  /** The scene entity it sits on ('' = standing). */
  seat: string;
  /** The avatar's look, "<build>-<headwear>" ('' = the default look). */
  appearance: string;
  /** Connected to its voice room. */
  inVoice: boolean;
  /** Picture (asset hash) of the token it wears ('' = none). */
  wearing: string;
  /** That token's model (asset hash; '' = none) and where it sits. */
  wearingModel: string;
  wearingSlot: WearableSlot;
  /** Its own avatar model (asset hash of an `avatar` upload; '' = the default figure). */
  avatarModel: string;
  /** Whether a position has been received yet. */
  placed: boolean;
}

export interface TrackerEvents {
  added?(avatar: TrackedAvatar): void;
  removed?(avatar: TrackedAvatar): void;
  /** A position arrived (received time is the caller's to take). */
  moved?(avatar: TrackedAvatar): void;
}

export class AvatarTracker {
  /** By session id. */
  readonly avatars = new Map<string, TrackedAvatar>();
  /** The receiving client's last input the room has applied, and its own vertical speed then. */
  ackSeq = 0;
  selfVy = 0;
  private readonly byNetId = new Map<number, TrackedAvatar>();
  private readonly early = new Map<number, { x: number; y: number; z: number; yaw: number }>();

  constructor(private readonly events: TrackerEvents = {}) {}

  /** Adds avatars new to the state and drops those gone from it. Call on every state change. */
  applyState(state: WorldStateView | undefined): void {
    if (!state?.avatars) return; // nothing received yet
    state.avatars.forEach((view, sessionId) => {
      let avatar = this.avatars.get(sessionId);
      if (avatar && avatar.netId === view.netId) {
        avatar.seat = view.seat;
        avatar.appearance = view.appearance;
        avatar.inVoice = view.inVoice;
        avatar.wearing = view.wearing ?? '';
        avatar.wearingModel = view.wearingModel ?? '';
        avatar.wearingSlot = wearableSlot(view.wearingSlot);
        avatar.avatarModel = view.avatarModel ?? '';
        return;
      }
      if (avatar) this.remove(avatar);
      avatar = {
        sessionId,
        netId: view.netId,
        name: view.name,
        color: view.color,
        seat: view.seat,
        appearance: view.appearance,
        inVoice: view.inVoice,
        wearing: view.wearing ?? '',
        wearingModel: view.wearingModel ?? '',
        wearingSlot: wearableSlot(view.wearingSlot),
        avatarModel: view.avatarModel ?? '',
        x: 0,
        y: 0,
        z: 0,
        yaw: 0,
        placed: false,
      };
      this.avatars.set(sessionId, avatar);
      this.byNetId.set(view.netId, avatar);
      this.events.added?.(avatar);
      const early = this.early.get(view.netId);
      if (early) {
        this.early.delete(view.netId);
        this.place(avatar, early.x, early.y, early.z, early.yaw);
      }
    });
    for (const avatar of this.avatars.values()) if (!state.avatars.has(avatar.sessionId)) this.remove(avatar);
  }

  /** Applies one movement frame. */
  applyFrame(bytes: Uint8Array): MovementFrameHeader {
    const header = readMovementFrame(bytes, (netId, x, z, y, yaw) => {
      const avatar = this.byNetId.get(netId);
      if (avatar) this.place(avatar, x, y, z, yaw);
      else this.early.set(netId, { x, y, z, yaw });
    });
    this.ackSeq = header.ackSeq;
    this.selfVy = header.selfVy;
    return header;
  }

  private place(avatar: TrackedAvatar, x: number, y: number, z: number, yaw: number): void {
    avatar.x = x;
    avatar.y = y;
    avatar.z = z;
    avatar.yaw = yaw;
    avatar.placed = true;
    this.events.moved?.(avatar);
  }

  private remove(avatar: TrackedAvatar): void {
    this.avatars.delete(avatar.sessionId);
    if (this.byNetId.get(avatar.netId) === avatar) this.byNetId.delete(avatar.netId);
    this.early.delete(avatar.netId);
    this.events.removed?.(avatar);
  }
}
