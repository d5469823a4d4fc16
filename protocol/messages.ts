/**
 * Client → room messages: their names and their payload schemas. The room validates every payload with
 * these schemas (Colyseus runs them as Standard Schema); a payload that fails closes that client with
 * CloseCode.WITH_ERROR (4002). Bots and the player import the same definitions.
 */
import { z } from 'zod';
import { appearanceSchema } from './avatar-appearance.js';
import type { ItemPose } from './items.js';
import { WORLD_HALF_EXTENT } from './world-bounds.js';

export const MessageType = {
  /** One fixed step of movement intent (see MoveInput). Sent at TICK_HZ. */
  input: 'input',
  /** Press the demo world's button; a request whose reply comes once the press is durably stored. */
  press: 'press',
  /** Text chat (ChatRequest). The server answers with `chat` (ChatLine) or `chatRefused` (ChatRefusal). */
  chat: 'chat',
  chatRefused: 'chatRefused',
  /** Play an emote (EmoteRequest); those who see the sender get `emote` (EmoteEvent). */
  emote: 'emote',
  /** Typing indicator on/off (TypingRequest); those who see the sender get `typing` (TypingEvent). */
  typing: 'typing',
  /** Server → client: the avatar stepped into a portal to another world (PortalEvent); join it there. */
  portal: 'portal',
  /**
   * Use a scene item (InteractRequest): sit on it, set off a trigger, pick it up, or (asking for the item
   * it holds) put it down. Checked on the server (the item must be interactable and within reach); those
   * who see the visitor get `interaction` (InteractionEvent), a refused one gets `interactionRefused`
   * (InteractionRefusal). Moving stands a seated avatar up; a held item moves with its holder.
   */
  interact: 'interact',
  interaction: 'interaction',
  interactionRefused: 'interactionRefused',
  /**
   * Server → client: where an item this visitor put down now rests is stored (ItemSaved) and survives any
   * crash from now on. Sent only for a put-down whose InteractRequest carried a `ref`, echoing it.
   */
  itemSaved: 'itemSaved',
  /**
   * Server → client: the voice rooms the server assigned this visitor now (VoiceEvent), sent on joining
   * and whenever the assignment changes. The client asks `POST /voice/token` for exactly these rooms.
   */
  voice: 'voice',
  /**
   * Server → client, just before the room closes the connection on purpose (ban, kick, token gate): why,
   * in full (RemovedEvent). A WebSocket close reason holds at most 123 bytes, so the close carries it cut.
   */
  removed: 'removed',
  /** Server → client on joining: what this visitor may do here (Privileges). */
  privileges: 'privileges',
  /**
   * A moderator acts on someone in the instance (ModerateRequest): mute or unmute their chat and voice,
   * kick, or ban. The room checks the sender's role and answers `moderated` or `moderationRefused`.
   */
  moderate: 'moderate',
  moderated: 'moderated',
  moderationRefused: 'moderationRefused',
  /**
   * A spectator's camera moved (SpectatorCamera): its area of interest follows it. Ignored from visitors.
   * Sent at most a few times a second.
   */
  spectatorCamera: 'spectatorCamera',
  /**
   * Move to a point in sight (TeleportRequest): VR's teleport. Decided by the next tick with teleport.ts
   * (within reach, on open ground, nothing tall in between); a refused one gets `teleportRefused`
   * (TeleportRefusal). Those who see the visitor see it arrive in the next movement frame.
   */
  teleport: 'teleport',
  teleportRefused: 'teleportRefused',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Largest input sequence number; a client wraps to a new session long before it gets there. */
export const MAX_INPUT_SEQ = 2 ** 31 - 1;

export const moveInputSchema = z
  .object({
    /** Increases by one per input; the room acknowledges the last one applied in Avatar.ackSeq. */
    seq: z.number().int().min(0).max(MAX_INPUT_SEQ),
    x: z.number().min(-1).max(1),
    z: z.number().min(-1).max(1),
    run: z.boolean(),
    /** Jump this step (from the ground only). */
    jump: z.boolean().optional(),
  })
  .strict();
export type MoveInput = z.infer<typeof moveInputSchema>;

export const pressSchema = z.object({}).strict().optional();
export type PressRequest = z.infer<typeof pressSchema>;

/** What the room answers to a press once it is stored: the stored press count. */
export interface PressReply {
  presses: number;
}

/** Options a client passes to join a world. */
export const joinOptionsSchema = z
  .object({
    /** The world to join, by slug. */
    world: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a world slug is 1–63 lowercase letters, digits or dashes'),
    /** Display name shown over the avatar. */
    name: z.string().trim().min(1).max(32),
    /** Avatar colour as #rrggbb. */
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must be #rrggbb'),
    /** Spawn point to appear at, by name (a portal's target); the scene's default when absent or unknown. */
    spawn: z.string().min(1).max(64).optional(),
    /** The avatar's look, "<build>-<headwear>" (avatar-appearance.ts); the default look when absent. */
    appearance: appearanceSchema.optional(),
    /**
     * The visitor's own avatar: an `avatar` upload (VRM 1.0 or rigged glTF) by its asset hash. The room
     * checks it is one and that its licence lets this visitor wear it; absent: the default figure.
     */
    avatarModel: z
      .string()
      .regex(
        /^[0-9a-f]{64}$/,
        'avatarModel is an asset hash: 64 lowercase hex digits (see GET /library?profile=avatar)',
      )
      .optional(),
    /**
     * Watch with no avatar (an embed's spectator): not counted in the world's capacity, seen by no one,
     * its area of interest centred on its camera (spectatorCamera). Name and colour are then unused.
     */
    spectate: z.boolean().optional(),
  })
  .strict();
export type JoinOptions = z.infer<typeof joinOptionsSchema>;

/** Farthest a spectator's camera may be from the world's origin on each axis, in metres. */
export const SPECTATOR_CAMERA_RANGE = 10_000;

export const spectatorCameraSchema = z
  .object({
    /** Where the camera looks, on the ground plane (metres). */
    x: z.number().min(-SPECTATOR_CAMERA_RANGE).max(SPECTATOR_CAMERA_RANGE),
    z: z.number().min(-SPECTATOR_CAMERA_RANGE).max(SPECTATOR_CAMERA_RANGE),
  })
  .strict();
export type SpectatorCamera = z.infer<typeof spectatorCameraSchema>;

export const teleportRequestSchema = z
  .object({
    /** Where to stand, on the ground plane (metres); checked against the avatar's reach by the room. */
    x: z.number().min(-WORLD_HALF_EXTENT).max(WORLD_HALF_EXTENT),
    z: z.number().min(-WORLD_HALF_EXTENT).max(WORLD_HALF_EXTENT),
    /** Which way to face on arrival (radians about the up axis, as AvatarBody.yaw). */
    yaw: z
      .number()
      .min(-4 * Math.PI)
      .max(4 * Math.PI),
  })
  .strict();
export type TeleportRequest = z.infer<typeof teleportRequestSchema>;

/** Why a teleport was refused (MessageType.teleportRefused), in words to show. */
export interface TeleportRefusal {
  reason: string;
}

/**
 * Largest WebSocket frame the server accepts, in bytes. Inputs are ~30 bytes; anything near this is abuse,
 * and the transport closes the socket (1009) before the room ever sees it.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024;

/** Most messages one client may send per second; above it the room disconnects the client (4002). */
export const MAX_MESSAGES_PER_SECOND = 60;

/** Most characters in one chat line. */
export const CHAT_MAX_CHARS = 500;
/** Chat lines one visitor may send per CHAT_WINDOW_SECONDS. */
export const CHAT_MAX_PER_WINDOW = 5;
export const CHAT_WINDOW_SECONDS = 10;

/**
 * `nearby` reaches the visitors who can see the sender (its area of interest, both ways); `instance`
 * reaches everyone in the instance.
 */
export const chatChannelSchema = z.enum(['nearby', 'instance']);
export type ChatChannel = z.infer<typeof chatChannelSchema>;

/**
 * A chat line from a client. The hard cap here only bounds the message; lines over CHAT_MAX_CHARS are
 * answered with a refusal that says so, not a disconnect.
 */
export const chatRequestSchema = z
  .object({ channel: chatChannelSchema, text: z.string().max(CHAT_MAX_CHARS * 4) })
  .strict();
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** A chat line as delivered. `at` is the server's time in ms since the epoch. */
export interface ChatLine {
  from: string;
  name: string;
  channel: ChatChannel;
  text: string;
  at: number;
}

export interface ChatRefusal {
  reason: string;
}

/** Emotes an avatar can play. */
export const EMOTES = ['wave', 'dance', 'clap', 'laugh', 'shrug', 'point'] as const;
export type Emote = (typeof EMOTES)[number];
/** Emotes one visitor may play per second; more are ignored (an emote is not worth a disconnect). */
export const EMOTES_PER_SECOND = 2;

export const emoteRequestSchema = z.object({ emote: z.enum(EMOTES) }).strict();
export type EmoteRequest = z.infer<typeof emoteRequestSchema>;
export interface EmoteEvent {
  from: string;
  emote: Emote;
}

export const typingRequestSchema = z.object({ typing: z.boolean() }).strict();
export type TypingRequest = z.infer<typeof typingRequestSchema>;
export interface TypingEvent {
  from: string;
  typing: boolean;
}

/** Sent to a visitor whose avatar entered a portal to another world: leave, then join `world` at `spawn`. */
export interface PortalEvent {
  world: string;
  spawn: string;
}

export const interactRequestSchema = z
  .object({
    entity: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an entity id is 1–64 letters, digits, "_" or "-"'),
    /** The client's own number for this use; a put-down that carries one is acknowledged (`itemSaved`). */
    ref: z.number().int().min(0).max(MAX_INPUT_SEQ).optional(),
  })
  .strict();
export type InteractRequest = z.infer<typeof interactRequestSchema>;

/** A put-down item's resting pose as stored (metres, radians), with the `ref` its request carried. */
export interface ItemSaved extends ItemPose {
  entity: string;
  ref: number;
}

export interface InteractionEvent {
  /** Session id of the visitor who acted. */
  by: string;
  entity: string;
  action: 'sit' | 'stand' | 'trigger' | 'grab' | 'drop';
  /** drop: where the item now rests (sent before it is stored; `itemSaved` tells the mover when it is). */
  pose?: ItemPose;
}

export interface InteractionRefusal {
  entity: string;
  reason: string;
}

/** A LiveKit room the server assigned a visitor, and whether it may talk there. */
export interface VoiceRoomGrant {
  /** LiveKit room name. */
  room: string;
  /** island: nearby visitors; zone: a scene voice zone; stage: a stage zone; announce: the instance's announcements. */
  kind: 'island' | 'zone' | 'stage' | 'announce';
  canPublish: boolean;
  /**
   * What may be published while canPublish: the microphone, and camera / screen share where the world
   * allows them (names as LiveKit's track sources). Never empty — LiveKit reads an empty list as "all".
   */
  sources: VoiceSource[];
}

/** A kind of media a visitor may publish in a voice room. */
export type VoiceSource = 'microphone' | 'camera' | 'screen_share';

/** Who this visitor hears now (MessageType.voice). `off` says why there is no voice, in words to show. */
export type VoiceEvent =
  { enabled: true; room: VoiceRoomGrant; announce: VoiceRoomGrant } | { enabled: false; off: string };

/** Why the server is sending this visitor away (see MessageType.removed). */
export interface RemovedEvent {
  /** The close code that follows. */
  code: number;
  reason: string;
}

/** What the joining visitor may do in this world (sent once, on joining). */
export interface Privileges {
  canModerate: boolean;
  /**
   * Proves a leave notice for this session (POST /rooms/<roomId>/leave, sent as the page goes away, so
   * the avatar does not wait out the reconnection grace). It ends the session and can do nothing else.
   */
  leaveToken: string;
}

export const MODERATION_ACTIONS = ['mute', 'unmute', 'kick', 'ban'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

export const moderateRequestSchema = z
  .object({
    /** The session id of the visitor acted on (as in the room state). */
    target: z.string().min(1).max(64),
    action: z.enum(MODERATION_ACTIONS),
    /** Shown to the visitor and kept in the audit log. */
    reason: z.string().trim().min(1).max(200),
  })
  .strict();
export type ModerateRequest = z.infer<typeof moderateRequestSchema>;

/** The answer to a moderate request: done (with what was done, in words) or refused (why). */
export interface ModerationOutcome {
  target: string;
  action: ModerationAction;
  message: string;
}
