/**
 * Joins a world with the Colyseus SDK and keeps the store in step with the room: remote avatars get a
 * snapshot per position received (for interpolation), the local avatar is reconciled against the server's
 * acknowledgement (for prediction), and connection changes are reported in words.
 */
import { LOADING_STEPS } from '../world/loading-progress.js';
import { Client, type Room } from '@colyseus/sdk';
import {
  AvatarTracker,
  MessageType,
  RoomName,
  STEP_SECONDS,
  ServerMessage,
  step,
  type TrackedAvatar,
  type JoinOptions,
  type InteractionRefusal,
  type TeleportRefusal,
  type TeleportRequest,
  type MoveInput,
  type PortalEvent,
  type VoiceEvent,
  type RemovedEvent,
  type PressReply,
  type WorldStateView,
  type Emote,
  type EmoteEvent,
  type EmoteRequest,
  type ChatChannel,
  type ChatLine,
  type ChatRefusal,
  type ChatRequest,
  type ModerateRequest,
  type ModerationAction,
  type ModerationOutcome,
  type Privileges,
  type SpectatorCamera,
} from '../../../../protocol/index.js';
import { playEmote } from '../avatars/motion-state.js';
import { LazyVoice } from '../voice/lazy-voice.js';
import type { VideoKind } from '../voice/media-videos.js';
import { VoiceTokenRefused } from '../voice/media-problems.js';
import { guestAccessToken } from './guest-session.js';
import {
  addChat,
  applyFrames,
  createLocalAvatar,
  applyItems,
  createRemoteAvatar,
  pushSnapshot,
  type WorldStore,
} from '../world/world-store.js';
import { describeJoinError } from './join-errors.js';
import { readSeat, sendLeaveNotice } from './leave-notice.js';
import { loadScene } from './scene-loader.js';

export interface WorldConnection {
  sendInput(input: MoveInput): void;
  /** Asks the room to use a scene item (sit, trigger); the room checks reach and answers. */
  interact(entity: string): void;
  /** Asks to stand at a point in sight (VR's teleport); a refusal shows as a notice. */
  teleport(target: TeleportRequest): void;
  press(): Promise<PressReply>;
  /** Turns the microphone on or off (only where the server lets the visitor talk). */
  setMicrophone(on: boolean): Promise<void>;
  /** Turns the camera or screen share on or off (where the world allows and the visitor may talk). */
  setVideo(kind: VideoKind, on: boolean): Promise<void>;
  /** Re-places remote voices around the local avatar facing `yaw` (per frame). */
  updateVoice(yaw: number): void;
  /** Plays an emote; the room shows it to those who see this visitor (and echoes it here). */
  emote(emote: Emote): void;
  /** Sends a chat line; the room answers with the line (to the channel, us included) or a refusal. */
  say(channel: ChatChannel, text: string): void;
  /** A moderator acts on a visitor (by session id); the outcome shows as a notice and a chat note. */
  moderate(target: string, action: ModerationAction, reason: string): void;
  /** A spectator's camera moved: the room centres its area of interest there. */
  watch(at: { x: number; z: number }): void;
  leave(): Promise<void>;
}

/** How this page proves who it is when joining: a guest session by default, or an embed's token. */
export interface JoinAccess {
  /** The bearer token to join with (and ask voice tokens with), or null to join anonymously. */
  token(endpoint: string, name: string): Promise<string | null>;
}

export const GUEST_ACCESS: JoinAccess = { token: guestAccessToken };

/** How long the view fades out before a portal takes the visitor to another world, in ms. */
const PORTAL_FADE_MS = 600;

/** Why the visitor is no longer in the world, in words it can act on. */
function closeMessage(code: number, reason: string | undefined): string {
  const why = reason ? `: ${reason}` : '';
  switch (code) {
    case 4408:
      return `A moderator removed you from this world${why}. Reload to join again.`;
    case 4403:
      return `A moderator banned you from this world${why}.`;
    case 4412:
      return `You no longer hold what this world asks of its visitors${why}.`;
    case 4410:
      return 'This world was deleted.';
    case 4411:
      return 'This site’s embed of the world has ended: its embed key was revoked.';
    case 4002:
      return 'You were disconnected because your client sent something the server does not accept.';
    case 4001:
      return 'The server is restarting. Reload in a moment to come back.';
    default:
      return `You have left the world (code ${code}). Reload to join again.`;
  }
}

/** Replays unacknowledged inputs on top of the server's position for the local avatar. */
function reconcile(store: WorldStore, server: TrackedAvatar, acknowledged: number, serverVy: number): void {
  const local = store.local;
  if (!local) return;
  let keep = 0;
  for (const input of local.pending) if (input.seq > acknowledged) local.pending[keep++] = input;
  local.pending.length = keep;
  const body = local.predicted;
  body.x = server.x;
  body.y = server.y;
  body.z = server.z;
  body.yaw = server.yaw;
  body.vy = serverVy;
  for (const input of local.pending) step(body, input, STEP_SECONDS, store.staticWorld);
}

/**
 * Moves the loading bar through the join's steps — on the way in only: a visitor who already entered and is
 * joining again (after a lost connection) keeps the world in view, under the reconnecting banner.
 */
function loadingStep(store: WorldStore, progress: number, stage: string): void {
  if (store.loading.progress >= 1) return;
  store.loading = { progress: Math.max(store.loading.progress, progress), stage };
}

/**
 * Wires the tracker to the store: remote avatars appear and disappear with the state and get a snapshot
 * (stamped with the receive time) per position received; the local avatar is reconciled per frame.
 */
function createTracker(store: WorldStore, sessionId: string, onSelfMoved: () => void): AvatarTracker {
  return new AvatarTracker({
    added: (avatar) => {
      if (avatar.sessionId !== sessionId) {
        store.remotes.set(
          avatar.sessionId,
          createRemoteAvatar(avatar.sessionId, avatar.name, avatar.color, avatar, avatar.appearance),
        );
      }
    },
    removed: (avatar) => {
      store.remotes.delete(avatar.sessionId);
    },
    moved: (avatar) => {
      if (avatar.sessionId === sessionId) onSelfMoved();
      else {
        const remote = store.remotes.get(avatar.sessionId);
        if (remote) pushSnapshot(remote, performance.now(), avatar.x, avatar.y, avatar.z, avatar.yaw);
      }
    },
  });
}

/** How many times the SDK tries to resume a dropped session (≈ 11 s of backoff) before giving up. */
const RESUME_ATTEMPTS = 6;

/**
 * Joins the world. `onLeft` hears the close code when the room connection ends for good (after the SDK's
 * own attempts to resume the session), so the caller can decide to join again.
 */
export async function connectToWorld(
  store: WorldStore,
  endpoint: string,
  options: JoinOptions,
  onLeft: (code: number) => void = () => undefined,
  /** One instance to join (an invite link's room id), rather than whichever the matchmaker picks. */
  instance?: string,
  access: JoinAccess = GUEST_ACCESS,
): Promise<WorldConnection> {
  store.connection = 'connecting';
  store.closedWith = null;
  loadingStep(store, LOADING_STEPS.connecting, 'Finding your world');
  const client = new Client(endpoint);
  let room: Room;
  try {
    // A guest session gives the visitor an identity (voice needs one); without it, it joins anonymously.
    const token = await access.token(endpoint, options.name);
    if (token) client.auth.token = token;
    room = instance
      ? await client.joinById(instance, options)
      : await client.joinOrCreate(store.preview ? RoomName.preview : RoomName.world, options);
  } catch (error) {
    const failure = describeJoinError(error);
    store.connection = 'error';
    store.problem = failure.message;
    store.joinFailure = failure;
    throw error;
  }
  room.reconnection.maxRetries = RESUME_ATTEMPTS;
  loadingStep(store, LOADING_STEPS.joining, 'Receiving the world');
  store.roomId = room.roomId;
  store.sessionId = room.sessionId;
  // A spectator has no avatar: the camera orbits the spawn point until told otherwise.
  store.local = options.spectate ? null : createLocalAvatar(options.name, options.color, options.appearance);

  let selfMoved = false;
  const tracker = createTracker(store, room.sessionId, () => (selfMoved = true));
  const joinedOnce = (): void => {
    // Joined once the room has told us who we are (state) and where we are (a movement frame); a
    // spectator, once it has the state.
    const placed = options.spectate ? room.state !== undefined : tracker.avatars.get(room.sessionId)?.placed;
    if (store.connection === 'connecting' && placed) {
      store.connection = 'joined';
      loadingStep(store, LOADING_STEPS.entering, 'Entering');
    }
  };
  room.onMessage(ServerMessage.movement, (bytes: Uint8Array) => {
    // The ack can change without our position changing (e.g. an input into a wall): reconcile then too.
    const before = tracker.ackSeq;
    selfMoved = false;
    tracker.applyFrame(bytes);
    const self = tracker.avatars.get(room.sessionId);
    if (self?.placed && (selfMoved || tracker.ackSeq !== before))
      reconcile(store, self, tracker.ackSeq, tracker.selfVy);
    joinedOnce();
  });
  const sceneFailed = (error: unknown): void => {
    store.problem = error instanceof Error ? error.message : String(error);
    // Not a blank world: the loading card stays and says why the scene was refused.
    store.loading = { progress: store.loading.progress, stage: store.problem };
  };
  room.onStateChange((state: WorldStateView) => {
    store.presses = state.presses;
    store.population = state.visitors ?? 0;
    store.roomSceneVersion = state.sceneVersion;
    // A newer published scene: load it (the room already runs it), for prediction and drawing.
    if (state.sceneVersion > store.sceneVersion)
      loadScene(store, endpoint, options.world, state.sceneVersion, () =>
        access.token(endpoint, options.name),
      ).catch(sceneFailed);
    tracker.applyState(state);
    for (const tracked of tracker.avatars.values()) {
      const remote = store.remotes.get(tracked.sessionId);
      if (remote) {
        remote.inVoice = tracked.inVoice;
        remote.wearing = tracked.wearing;
        remote.wearingModel = tracked.wearingModel;
        remote.wearingSlot = tracked.wearingSlot;
        remote.avatarModel = tracked.avatarModel;
        remote.seat = tracked.seat;
      }
    }
    applyItems(store, state.items);
    applyFrames(store, state.frames);
    const self = tracker.avatars.get(room.sessionId);
    if (store.local && self) {
      store.local.seat = self.seat;
      store.local.wearing = self.wearing;
      store.local.wearingModel = self.wearingModel;
      store.local.wearingSlot = self.wearingSlot;
      store.local.avatarModel = self.avatarModel;
      // A signed-in visitor is called by its account's name, whatever the join asked for.
      if (self.name) store.local.name = self.name;
    }
    joinedOnce();
  });
  room.onMessage(MessageType.portal, (event: PortalEvent) => {
    // Into another world: the page re-joins there, at the portal's spawn point, as the same visitor —
    // after the loading card fades in over the view (the transition), and straight in (not the entry page).
    const next = new URL(window.location.href);
    if (/^\/w\//.test(next.pathname)) next.pathname = '/';
    next.searchParams.delete('instance'); // an invite was to this world's instance, not the next one's
    next.searchParams.set('world', event.world);
    next.searchParams.set('spawn', event.spawn);
    next.searchParams.set('name', options.name);
    next.searchParams.set('color', options.color);
    if (options.appearance) next.searchParams.set('appearance', options.appearance);
    if (options.avatarModel) next.searchParams.set('avatar', options.avatarModel);
    store.travellingTo = event.world;
    store.loading = { progress: 0, stage: `Travelling to ${event.world}…` };
    setTimeout(() => window.location.assign(next.toString()), PORTAL_FADE_MS);
  });
  room.onMessage(MessageType.interactionRefused, (refusal: InteractionRefusal) => {
    store.notice = { text: refusal.reason.replace(/^interact: /, ''), until: performance.now() + 3_000 };
  });
  room.onMessage(MessageType.teleportRefused, (refusal: TeleportRefusal) => {
    store.notice = {
      text: `Cannot teleport there: ${refusal.reason.replace(/^teleport: /, '')}`,
      until: performance.now() + 3_000,
    };
  });
  const voice = new LazyVoice({
    store,
    requestToken: async (voiceRoom) => {
      const token = await access.token(endpoint, options.name);
      const response = await fetch(`${endpoint}/voice/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ sessionId: room.sessionId, room: voiceRoom }),
      });
      // A proxy's error page is not JSON: then the status says it.
      const body = (await response.json().catch(() => ({}))) as {
        detail?: string;
        url: string;
        token: string;
        room: string;
        canPublish: boolean;
      };
      if (!response.ok)
        throw new VoiceTokenRefused(body.detail ?? `this server answered HTTP ${response.status}`);
      return body;
    },
  });
  room.onMessage(MessageType.voice, (event: VoiceEvent) => {
    store.voice = event;
    voice.apply(event);
  });
  room.onMessage(MessageType.emote, (event: EmoteEvent) => {
    const avatar = event.from === room.sessionId ? store.local : store.remotes.get(event.from);
    if (avatar) playEmote(avatar.motion, event.emote, performance.now() / 1000);
  });
  room.onMessage(MessageType.chat, (line: ChatLine) => {
    if (store.blocked.has(line.from)) return;
    addChat(store, { from: line.from, name: line.name, channel: line.channel, text: line.text });
  });
  room.onMessage(MessageType.chatRefused, (refusal: ChatRefusal) => {
    addChat(store, { from: '', name: '', channel: 'system', text: refusal.reason.replace(/^chat: /, '') });
  });
  room.onMessage(MessageType.privileges, (privileges: Privileges) => {
    store.canModerate = privileges.canModerate;
    store.seat = readSeat({
      server: endpoint.replace(/\/+$/, ''), // an origin (readSeat checks)
      roomId: room.roomId,
      sessionId: room.sessionId,
      leaveToken: privileges.leaveToken,
    });
  });
  const moderationNote = (outcome: ModerationOutcome): void => {
    store.notice = { text: outcome.message, until: performance.now() + 4_000 };
    addChat(store, { from: '', name: '', channel: 'system', text: outcome.message });
  };
  room.onMessage(MessageType.moderated, moderationNote);
  room.onMessage(MessageType.moderationRefused, (outcome: ModerationOutcome) =>
    moderationNote({ ...outcome, message: `Not done: ${outcome.message}` }),
  );
  room.onMessage(MessageType.typing, () => undefined); // typing indicators are not shown yet
  room.onMessage(MessageType.interaction, () => undefined); // seats show in the state; triggers have no effect yet
  room.onDrop(() => {
    store.connection = 'reconnecting';
  });
  room.onReconnect(() => {
    store.connection = 'joined';
    store.roomId = room.roomId;
  });
  // The full reason of a removal (the close frame carries at most 123 bytes of it).
  let removedFor: string | undefined;
  room.onMessage(MessageType.removed, (event: RemovedEvent) => {
    removedFor = event.reason;
  });
  room.onLeave((code, reason) => {
    void voice.stop();
    if (store.seat?.sessionId === room.sessionId) store.seat = null; // ended: nothing left to notice
    onLeft(code);
    if (store.connection === 'reconnecting') return; // joining again (see stay-in-world.ts)
    store.connection = 'closed';
    store.closedWith = code;
    store.problem = closeMessage(code, removedFor ?? reason);
  });
  room.onError((code, message) => {
    store.problem = `Room error ${code}: ${message ?? 'unknown'}`;
  });

  return {
    sendInput: (input) => room.send(MessageType.input, input),
    interact: (entity) => room.send(MessageType.interact, { entity }),
    teleport: (target) => room.send(MessageType.teleport, target satisfies TeleportRequest),
    setMicrophone: (on) => voice.setMicrophone(on),
    setVideo: (kind, on) => voice.setVideo(kind, on),
    updateVoice: (yaw) => voice.updatePanning(yaw),
    emote: (emote) => room.send(MessageType.emote, { emote } satisfies EmoteRequest),
    say: (channel, text) => room.send(MessageType.chat, { channel, text } satisfies ChatRequest),
    moderate: (target, action, reason) =>
      room.send(MessageType.moderate, { target, action, reason } satisfies ModerateRequest),
    press: () => room.request<object, PressReply>(MessageType.press, {}),
    watch: (at) => room.send(MessageType.spectatorCamera, { x: at.x, z: at.z } satisfies SpectatorCamera),
    leave: async () => {
      sendLeaveNotice(store.seat);
      store.seat = null;
      await room.leave();
    },
  };
}
