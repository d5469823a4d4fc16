/** Bot visitors written with the same SDK and protocol the player uses. */
import { Client, type Room } from '@colyseus/sdk';
import {
  MessageType,
  RoomName,
  type AvatarView,
  type JoinOptions,
  type MoveInput,
  type PressReply,
} from '../../protocol/index.js';
import { waitFor } from './wait.js';

/** Decoded avatar as a client sees it (the state classes are rebuilt from the handshake). */
export type SeenAvatar = AvatarView;

export interface Visitor {
  room: Room;
  sessionId: string;
  /** Close code once the room connection ended. */
  leftWith(): number | undefined;
  avatars(): Map<string, SeenAvatar>;
  self(): SeenAvatar | undefined;
  sendInput(input: MoveInput): void;
  press(): Promise<PressReply>;
  /** The demo button's press count as this visitor last received it. */
  presses(): number;
  leave(): Promise<void>;
}

export async function joinWorld(baseUrl: string, options: Partial<JoinOptions> = {}): Promise<Visitor> {
  const client = new Client(baseUrl);
  const room = await client.joinOrCreate(RoomName.world, {
    world: 'demo',
    name: 'bot',
    color: '#3366ff',
    ...options,
  });
  return wrapRoom(room);
}

export async function wrapRoom(room: Room): Promise<Visitor> {
  let closeCode: number | undefined;
  room.onLeave((code) => {
    closeCode = code;
  });
  const avatars = (): Map<string, SeenAvatar> => {
    const map = new Map<string, SeenAvatar>();
    const state = room.state as { avatars?: Map<string, { toJSON(): SeenAvatar }> } | undefined;
    state?.avatars?.forEach((avatar, key) => map.set(key, avatar.toJSON()));
    return map;
  };
  await waitFor(() => avatars().has(room.sessionId), Boolean, { what: 'own avatar in state' });
  return {
    room,
    sessionId: room.sessionId,
    leftWith: () => closeCode,
    avatars,
    self: () => avatars().get(room.sessionId),
    sendInput: (input) => room.send(MessageType.input, input),
    press: () => room.request<object, PressReply>(MessageType.press, {}),
    presses: () => (room.state as { presses: number }).presses,
    leave: async () => {
      if (closeCode === undefined) await room.leave();
    },
  };
}
