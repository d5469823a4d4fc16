/** Bot visitors written with the same SDK and protocol the player uses. */
import { Client, type Room } from '@colyseus/sdk';
import {
  MessageType,
  AvatarTracker,
  readItemPose,
  type ItemPose,
  RoomName,
  ServerMessage,
  type AvatarView,
  type PlacedAvatar,
  type ChatChannel,
  type ChatLine,
  type ChatRefusal,
  type EmoteEvent,
  type TypingEvent,
  type VoiceEvent,
  type RemovedEvent,
  type Privileges,
  type WorldStateView,
  type JoinOptions,
  type MoveInput,
  type PressReply,
  type ItemSaved,
  type InteractionEvent,
} from '../../protocol/index.js';
import { waitFor } from './wait.js';

/** An avatar as a client sees it: state (who) joined with movement frames (where). */
export interface SeenAvatar extends AvatarView, PlacedAvatar {
  /** On the client's own avatar only: the last input the room applied. */
  ackSeq?: number;
}

/** A movable item as a client sees it. */
export interface SeenItem extends ItemPose {
  heldBy: string;
}

export interface Visitor {
  room: Room;
  sessionId: string;
  /** Close code once the room connection ended. */
  leftWith(): number | undefined;
  avatars(): Map<string, SeenAvatar>;
  /** Waits until this visitor's state holds `other`'s avatar (in its area of interest), and returns it. */
  waitToSee(other: Pick<Visitor, 'sessionId'>, what?: string): Promise<SeenAvatar>;
  self(): SeenAvatar | undefined;
  sendInput(input: MoveInput): void;
  press(): Promise<PressReply>;
  /** The demo button's press count as this visitor last received it. */
  presses(): number;
  /** Movable items in this visitor's state (its area of interest), decoded, by entity id. */
  items(): Map<string, SeenItem>;
  /** Put-downs of ours acknowledged as stored (those sent with a `ref`), oldest first. */
  itemSaves: ItemSaved[];
  /** Uses of scene items this visitor saw (its own included), oldest first. */
  interactions: InteractionEvent[];
  /** Chat lines received, oldest first, and reasons chat lines of ours were refused. */
  chats: ChatLine[];
  chatRefusals: string[];
  say(text: string, channel?: ChatChannel): void;
  /** Emote and typing events received, oldest first. */
  events: Array<{ type: 'emote' | 'typing'; message: EmoteEvent | TypingEvent }>;
  /** Voice messages received (the rooms the server assigned), oldest first. */
  voice: VoiceEvent[];
  /** Calls `listener` on every voice message from now on (the moment it arrives). */
  onVoice(listener: (event: VoiceEvent) => void): void;
  /** Why the server sent this visitor away, if it did (the full reason). */
  removed: RemovedEvent[];
  /** What the room said this visitor may do (sent on joining; undefined until it arrives). */
  privileges(): Privileges | undefined;
  /** Every position of our own avatar received, with the room tick it is from. */
  track: Array<{ tick: number; x: number; z: number }>;
  leave(): Promise<void>;
}

/**
 * Joins a world (the demo world unless options say otherwise), as `token`'s account or key if given; with
 * `room` RoomName.preview, a preview of its saved draft (editors only).
 */
export async function joinWorld(
  baseUrl: string,
  options: Partial<JoinOptions> = {},
  token?: string,
  room: RoomName = RoomName.world,
): Promise<Visitor> {
  const client = new Client(baseUrl);
  if (token) client.auth.token = token;
  const joined = await client.joinOrCreate(room, {
    world: 'demo',
    name: 'bot',
    color: '#3366ff',
    ...options,
  });
  return wrapRoom(joined);
}

/**
 * Watches a world as a spectator (an embed's seat: no avatar), with `token` (an embed token) if given. Its
 * avatars() are those in its camera's area of interest; self() stays undefined.
 */
export async function spectateWorld(baseUrl: string, world: string, token?: string): Promise<Visitor> {
  const client = new Client(baseUrl);
  if (token) client.auth.token = token;
  const joined = await client.joinOrCreate(RoomName.world, {
    world,
    name: 'spectator',
    color: '#888888',
    spectate: true,
  });
  return wrapRoom(joined, { spectator: true });
}

export async function wrapRoom(room: Room, { spectator = false } = {}): Promise<Visitor> {
  let closeCode: number | undefined;
  room.onLeave((code) => {
    closeCode = code;
  });
  const chats: ChatLine[] = [];
  const chatRefusals: string[] = [];
  room.onMessage(MessageType.chat, (line: ChatLine) => chats.push(line));
  room.onMessage(MessageType.chatRefused, (refusal: ChatRefusal) => chatRefusals.push(refusal.reason));
  const events: Visitor['events'] = [];
  room.onMessage(MessageType.emote, (message: EmoteEvent) => events.push({ type: 'emote', message }));
  room.onMessage(MessageType.typing, (message: TypingEvent) => events.push({ type: 'typing', message }));
  // Messages most tests do not look at (tests that do add their own handlers).
  for (const type of [MessageType.interactionRefused, MessageType.portal])
    room.onMessage(type, () => undefined);
  const interactions: InteractionEvent[] = [];
  room.onMessage(MessageType.interaction, (event: InteractionEvent) => interactions.push(event));
  const voice: VoiceEvent[] = [];
  const voiceListeners: Array<(event: VoiceEvent) => void> = [];
  room.onMessage(MessageType.voice, (event: VoiceEvent) => {
    voice.push(event);
    for (const listener of voiceListeners) listener(event);
  });
  const itemSaves: ItemSaved[] = [];
  room.onMessage(MessageType.itemSaved, (saved: ItemSaved) => itemSaves.push(saved));
  const removed: RemovedEvent[] = [];
  room.onMessage(MessageType.removed, (event: RemovedEvent) => removed.push(event));
  let privileges: Privileges | undefined;
  room.onMessage(MessageType.privileges, (event: Privileges) => (privileges = event));
  const tracker = new AvatarTracker();
  const track: Array<{ tick: number; x: number; z: number }> = [];
  room.onMessage(ServerMessage.movement, (bytes: Uint8Array) => {
    const { tick } = tracker.applyFrame(bytes);
    const self = tracker.avatars.get(room.sessionId);
    const last = track[track.length - 1];
    if (self?.placed && (!last || last.x !== self.x || last.z !== self.z))
      track.push({ tick, x: self.x, z: self.z });
  });
  room.onStateChange((state: WorldStateView) => tracker.applyState(state));
  if (room.state) tracker.applyState(room.state as WorldStateView);
  const avatars = (): Map<string, SeenAvatar> => {
    const map = new Map<string, SeenAvatar>();
    for (const tracked of tracker.avatars.values()) {
      const { sessionId, placed, ...shown } = tracked;
      if (!placed) continue;
      const seen: SeenAvatar = shown;
      if (sessionId === room.sessionId) seen.ackSeq = tracker.ackSeq;
      map.set(sessionId, seen);
    }
    return map;
  };
  if (!spectator) await waitFor(() => avatars().has(room.sessionId), Boolean, { what: 'own avatar placed' });
  return {
    room,
    sessionId: room.sessionId,
    leftWith: () => closeCode,
    avatars,
    waitToSee: async (other, what = `${other.sessionId} in ${room.sessionId}'s view`) =>
      (await waitFor(() => avatars().get(other.sessionId), Boolean, { what }))!,
    self: () => avatars().get(room.sessionId),
    sendInput: (input) => room.send(MessageType.input, input),
    press: () => room.request<object, PressReply>(MessageType.press, {}),
    presses: () => (room.state as { presses: number }).presses,
    items: () => {
      const items = new Map<string, SeenItem>();
      (room.state as WorldStateView).items?.forEach((item, entity) =>
        items.set(entity, { ...readItemPose(item), heldBy: item.heldBy }),
      );
      return items;
    },
    itemSaves,
    interactions,
    chats,
    chatRefusals,
    events,
    voice,
    onVoice: (listener) => void voiceListeners.push(listener),
    removed,
    privileges: () => privileges,
    track,
    say: (text, channel = 'nearby') => room.send(MessageType.chat, { channel, text }),
    leave: async () => {
      if (closeCode === undefined) await room.leave();
    },
  };
}

/** Sends inputs in batches no larger than the room's input buffer, waiting for each to be applied. */
export async function drive(visitor: Visitor, inputs: MoveInput[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += 4) {
    const batch = inputs.slice(i, i + 4);
    for (const input of batch) visitor.sendInput(input);
    const last = batch[batch.length - 1]!.seq;
    await waitFor(
      () => visitor.self()?.ackSeq ?? 0,
      (ack) => ack >= last,
      { what: `ack of input ${last}` },
    );
  }
}

/** Sends one running step toward `target` and waits until the room applied it (at most `timeoutMs`). */
export async function stepTowards(
  visitor: Visitor,
  target: { x: number; z: number },
  nextSeq: () => number,
  timeoutMs?: number,
): Promise<void> {
  const at = visitor.self()!;
  const dx = target.x - at.x;
  const dz = target.z - at.z;
  const length = Math.max(1e-6, Math.hypot(dx, dz));
  const input = { seq: nextSeq(), x: dx / length, z: dz / length, run: true };
  visitor.sendInput(input);
  await waitFor(
    () => visitor.self()?.ackSeq ?? 0,
    (ack) => ack >= input.seq,
    { what: 'ack', timeoutMs },
  );
}

/**
 * Runs one acknowledged step at a time toward `target` until `done()` holds (at most 100 steps), with
 * sequence numbers from `nextSeq` (shared with any other inputs the test sends to this visitor).
 */
export async function walkTowards(
  visitor: Visitor,
  target: { x: number; z: number },
  done: () => boolean,
  nextSeq: () => number,
): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await stepTowards(visitor, target, nextSeq);
  await waitFor(done, Boolean, { what: `the walk toward (${target.x}, ${target.z}) to get there` });
}
