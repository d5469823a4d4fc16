/**
 * Joins a world with the Colyseus SDK and keeps the store in step with the room: remote avatars get a
 * snapshot per patch (for interpolation), the local avatar is reconciled against the server's
 * acknowledgement (for prediction), and connection changes are reported in words.
 */
import { Client, type Room } from '@colyseus/sdk';
import {
  MessageType,
  RoomName,
  STEP_SECONDS,
  step,
  type JoinOptions,
  type MoveInput,
  type AvatarView,
  type PressReply,
  type WorldStateView,
} from '../../../protocol/index.js';
import { createRemoteAvatar, parseColor, pushSnapshot, type WorldStore } from '../world-store.js';

export interface WorldConnection {
  sendInput(input: MoveInput): void;
  press(): Promise<PressReply>;
  leave(): Promise<void>;
}

function describeJoinError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/fetch|network|ECONNREFUSED|Failed to/i.test(message)) {
    return 'The world server cannot be reached. Check your connection; reload to try again.';
  }
  return message;
}

/** Replays unacknowledged inputs on top of the server's position for the local avatar. */
function reconcile(store: WorldStore, server: AvatarView): void {
  const local = store.local;
  if (!local) return;
  const acknowledged = server.ackSeq ?? 0;
  let keep = 0;
  for (const input of local.pending) if (input.seq > acknowledged) local.pending[keep++] = input;
  local.pending.length = keep;
  const body = local.predicted;
  body.x = server.x;
  body.z = server.z;
  body.yaw = server.yaw;
  for (const input of local.pending) step(body, input, STEP_SECONDS);
}

function applyState(store: WorldStore, room: Room, state: WorldStateView): void {
  const now = performance.now();
  store.presses = state.presses;
  state.avatars.forEach((avatar, id) => {
    if (id === room.sessionId) {
      reconcile(store, avatar);
      return;
    }
    let remote = store.remotes.get(id);
    if (!remote) {
      remote = createRemoteAvatar(id, avatar.name, avatar.color, avatar);
      store.remotes.set(id, remote);
    }
    pushSnapshot(remote, now, avatar.x, avatar.z, avatar.yaw);
  });
  for (const id of store.remotes.keys()) if (!state.avatars.has(id)) store.remotes.delete(id);
}

export async function connectToWorld(
  store: WorldStore,
  endpoint: string,
  options: JoinOptions,
): Promise<WorldConnection> {
  store.connection = 'connecting';
  store.loading = { progress: 0.4, stage: 'Finding your world' };
  const client = new Client(endpoint);
  let room: Room;
  try {
    room = await client.joinOrCreate(RoomName.world, options);
  } catch (error) {
    store.connection = 'error';
    store.problem = describeJoinError(error);
    throw error;
  }
  store.loading = { progress: 0.7, stage: 'Receiving the world' };
  store.roomId = room.roomId;
  store.sessionId = room.sessionId;
  store.local = {
    name: options.name,
    color: options.color,
    colorHex: parseColor(options.color),
    predicted: { x: 0, z: 0, yaw: 0 },
    pending: [],
    nextSeq: 1,
  };

  let first = true;
  room.onStateChange((state: WorldStateView) => {
    applyState(store, room, state);
    if (first) {
      first = false;
      store.connection = 'joined';
      store.loading = { progress: 0.9, stage: 'Entering' };
    }
  });
  room.onDrop(() => {
    store.connection = 'reconnecting';
  });
  room.onReconnect(() => {
    store.connection = 'joined';
    store.roomId = room.roomId;
  });
  room.onLeave((code) => {
    store.connection = 'closed';
    store.problem =
      code === 4002
        ? 'You were disconnected because your client sent something the server does not accept.'
        : code === 4001
          ? 'The server is restarting. Reload in a moment to come back.'
          : `You have left the world (code ${code}). Reload to join again.`;
  });
  room.onError((code, message) => {
    store.problem = `Room error ${code}: ${message ?? 'unknown'}`;
  });

  return {
    sendInput: (input) => room.send(MessageType.input, input),
    press: () => room.request<object, PressReply>(MessageType.press, {}),
    leave: async () => {
      await room.leave();
    },
  };
}
