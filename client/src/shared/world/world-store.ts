/**
 * The player's in-memory picture of the world, written by the network layer and the frame-loop systems and
 * read by rendering and the test hook. Plain mutable data (no React state) so the frame loop allocates
 * nothing per frame.
 */
import {
  EMPTY_WORLD,
  readItemPose,
  type ItemView,
  type NftFrameView,
  type ItemPose,
  type VoiceEvent,
  type SceneDocument,
  type StaticWorld,
  type ChatChannel,
} from '../../../../protocol/index.js';
import { itemPoseNow } from './item-pose.js';
import { DEFAULT_SETTINGS, type PlayerSettings } from './settings.js';
import type { LocalAvatar, RemoteAvatar } from './store-avatars.js';
import type { EntryProgress, ModelState } from '../assets/model-loads.js';
import type { JoinFailure } from '../net/join-errors.js';
import type { Seat } from '../net/leave-notice.js';
import type { VideoFeed } from '../voice/media-videos.js';
import type { VoiceProbe } from '../voice/voice-probe.js';

export {
  DEFAULT_TAG_HEIGHT,
  SNAPSHOT_CAPACITY,
  createLocalAvatar,
  createRemoteAvatar,
  parseColor,
  pushSnapshot,
  type AvatarFigure,
  type LocalAvatar,
  type RemoteAvatar,
  type Snapshot,
} from './store-avatars.js';

export type ConnectionState = 'loading' | 'connecting' | 'joined' | 'reconnecting' | 'closed' | 'error';

/** A movable scene item as the room last said: where it rests, or who carries it. */
export interface MovableItem {
  entity: string;
  pose: ItemPose;
  /** Session id of the visitor carrying it ('' = resting at `pose`). */
  heldBy: string;
}

/** Lines of chat the player keeps. */
export const CHAT_HISTORY = 200;

/** A chat line as shown: from the room, or a note from the player itself (`system`, e.g. a refusal). */
export interface ChatEntry {
  key: number;
  from: string;
  name: string;
  channel: ChatChannel | 'system';
  text: string;
}

let nextChatKey = 1;

/** Adds a line to the chat history (dropping the oldest beyond CHAT_HISTORY). */
export function addChat(store: WorldStore, line: Omit<ChatEntry, 'key'>): void {
  store.chat.push({ key: nextChatKey++, ...line });
  if (store.chat.length > CHAT_HISTORY) store.chat.splice(0, store.chat.length - CHAT_HISTORY);
  store.chatVersion += 1;
}

/** The VR session as the player's vr/ runs it (see WorldStore.vr). */
export interface VrView {
  /** The view's turn about the up axis (radians; snap turns add to it). */
  yaw: number;
  /** Where a controller aims a teleport: nowhere, at a spot it may land on, or at one it may not. */
  aim: 'none' | 'open' | 'refused';
  /** The input sources connected, e.g. "left controller", "right hand". */
  inputs: string[];
  /** Teleports asked for since entering. */
  teleports: number;
  /** The lines on the panel in the left hand: chat ("name: text", oldest first), then the notice if any. */
  chat: string[];
}

export interface FrameStats {
  fps: number;
  frameMs: number;
  drawCalls: number;
  triangles: number;
  avatars: number;
  /** Draw calls spent on avatars (skinned near ones plus the instanced crowd), counted as drawn. */
  avatarDrawCalls: number;
  /** The renderer's pixel ratio (canvas pixels per CSS pixel). */
  pixelRatio: number;
  /** How far the camera is from the local avatar's head (metres; less than chosen when a wall is between). */
  cameraDistance: number;
  /** The camera's orbit yaw (radians; 0 looks along +z). */
  cameraYaw: number;
}

export interface WorldStore {
  connection: ConnectionState;
  /** What went wrong, in words a visitor can act on, when connection is 'error' or 'closed'. */
  problem: string | null;
  /** The world a portal is taking the visitor to (the view fades out first), or null. */
  travellingTo: string | null;
  /** Why the last join failed (whether retrying or signing in helps), or null. */
  joinFailure: JoinFailure | null;
  loading: { progress: number; stage: string };
  /**
   * performance.now() of the first frame drawn after entering (loading at 1), or null before; that frame
   * also leaves the User Timing mark FIRST_FRAME_MARK (bench:client reads it).
   */
  enteredAt: number | null;
  /** The post-processing (settings.effects): off, its code downloading, drawing, or failed to load. */
  postEffects: 'off' | 'loading' | 'on' | 'failed';
  roomId: string | null;
  sessionId: string | null;
  /** What a leave notice for the current seat needs (see shared/net/leave-notice.ts), or null. */
  seat: Seat | null;
  presses: number;
  local: LocalAvatar | null;
  remotes: Map<string, RemoteAvatar>;
  /** Movable items in this visitor's area of interest, by entity id; `itemsVersion` counts changes to the set. */
  items: Map<string, MovableItem>;
  itemsVersion: number;
  /** Where a movable item is drawn now (item-pose.ts), for the scene's models; false when not seen. */
  itemPose: (entity: string, out: ItemPose) => boolean;
  /**
   * What the scene's nft-frames show, by entity id (absent = empty), as the room says; `framesKey` changes
   * with any of it, so the frames re-render only then.
   */
  frames: Map<string, FrameContent>;
  framesKey: string;
  stats: FrameStats;
  /** The published scene this player shows and predicts against (null until one is loaded). */
  scene: SceneDocument | null;
  /** The scene's obstacles, for step() in prediction; the same the room uses. */
  staticWorld: StaticWorld;
  /** Version of `scene` (0 = none). */
  sceneVersion: number;
  /** The scene version the room runs (loading is not over until `sceneVersion` has caught up). */
  roomSceneVersion: number;
  /** The voice rooms the server assigned (or why there is no voice), from the latest voice message. */
  voice: VoiceEvent | null;
  /** What voice is doing, in words for the HUD (null until the room says). */
  voiceStatus: string | null;
  /** Measures what this visitor hears (browser tests); set by the voice client. */
  voiceProbe: VoiceProbe | null;
  /** Whether the local microphone is live. */
  microphone: boolean;
  /** Whether the visitor's camera / screen share is on (shown here, and sent where voice is connected). */
  camera: boolean;
  screenShare: boolean;
  /** Video feeds shown in the scene (camera billboards, screen shares) by key; `videosVersion` counts changes. */
  videos: Map<string, VideoFeed>;
  videosVersion: number;
  /** Session ids of those speaking now in the visitor's voice room. */
  speaking: ReadonlySet<string>;
  /** Session ids this visitor muted for itself (their voice is silent here; nobody else is affected). */
  mutedLocally: Set<string>;
  /** Session ids this visitor blocked for itself: their chat is hidden and their voice silent, here only. */
  blocked: Set<string>;
  /** Chat lines received (newest last, at most CHAT_HISTORY); `chatVersion` counts changes. */
  chat: ChatEntry[];
  chatVersion: number;
  /** Each scene model's state by entity id, and the bytes of those needed to enter (see model-loads.ts). */
  /** Who is drawn in their own avatar now (session id → read as 'vrm' or 'gltf'), from the renderer; for tests. */
  customAvatarsDrawn?: () => Record<string, 'vrm' | 'gltf'>;
  models: Map<string, ModelState>;
  /** Each scene screen's video state by entity id (SceneScreens). */
  screens: Map<string, 'loading' | 'playing' | 'failed' | 'sharing'>;
  /** The scene's HDR environment and its loading (see SceneSource). */
  environment: { hdri: string; state: 'loading' | 'loaded' | 'failed' } | null;
  /** The bytes needed to enter, for the loading bar. */
  entryProgress: EntryProgress;
  /** The scene version whose models have been handed to the loader (their bytes are then counted). */
  modelsForVersion: number;
  /** The room says this visitor may moderate the world (the people list then offers mute, kick, ban). */
  canModerate: boolean;
  /** The visitor's settings (the HUD writes them; voice and drawing read them). */
  settings: PlayerSettings;
  /** A short message for the visitor (e.g. why using an item was refused) and until when to show it (ms). */
  notice: { text: string; until: number } | null;
  /**
   * A preview of the world's saved draft (its editors only, `?preview=1`): joins the preview room kind and
   * draws the draft, reloaded whenever it is saved.
   */
  preview: boolean;
  /** The close code the room connection last ended with for good (null while connected). */
  closedWith: number | null;
  /** Visitors in this instance (avatars, seen or not; spectators not counted), as the room last said. */
  population: number;
  /**
   * Watching with no avatar (an embed's spectator): the camera orbits `target` — following a visitor when
   * `follow` — turning slowly on its own when `autoTurn` (never under prefers-reduced-motion); null for a
   * visitor with an avatar.
   */
  /**
   * In VR (the player's vr/), else null: the headset is the camera, so the follow camera stands aside and
   * the own avatar is not drawn (its head would fill the view).
   */
  vr: VrView | null;
  spectator: {
    target: { x: number; y: number; z: number };
    autoTurn: boolean;
    follow: boolean;
    /** The visitor followed (session id), chosen by the camera. */
    followed: { id: string | null };
  } | null;
}

export function createWorldStore(): WorldStore {
  const store: WorldStore = {
    itemPose: (entity, out) => itemPoseNow(store, entity, out),
    connection: 'loading',
    problem: null,
    joinFailure: null,
    travellingTo: null,
    loading: { progress: 0, stage: 'Loading the player' },
    enteredAt: null,
    postEffects: 'off',
    roomId: null,
    sessionId: null,
    seat: null,
    presses: 0,
    local: null,
    closedWith: null,
    population: 0,
    vr: null,
    spectator: null,
    remotes: new Map(),
    items: new Map(),
    itemsVersion: 0,
    frames: new Map(),
    framesKey: '',
    stats: {
      fps: 0,
      frameMs: 0,
      drawCalls: 0,
      triangles: 0,
      avatars: 0,
      avatarDrawCalls: 0,
      pixelRatio: 1,
      cameraDistance: 0,
      cameraYaw: 0,
    },
    scene: null,
    staticWorld: EMPTY_WORLD,
    sceneVersion: 0,
    roomSceneVersion: 0,
    notice: null,
    preview: false,
    voice: null,
    voiceStatus: null,
    voiceProbe: null,
    microphone: false,
    camera: false,
    screenShare: false,
    videos: new Map(),
    videosVersion: 0,
    speaking: new Set(),
    mutedLocally: new Set(),
    blocked: new Set(),
    chat: [],
    chatVersion: 0,
    settings: DEFAULT_SETTINGS,
    canModerate: false,
    models: new Map(),
    screens: new Map(),
    environment: null,
    modelsForVersion: 0,
    entryProgress: { loaded: 0, total: 0, needed: 0, neededSized: 0, neededSettled: 0 },
  };
  return store;
}

/**
 * Brings `store.items` in line with the room state's items (on each state change, not per frame): poses
 * are updated in place; `itemsVersion` moves only when items came or went, so drawing re-renders only then.
 */
export function applyItems(store: WorldStore, items: ReadonlyMap<string, ItemView> | undefined): void {
  let changed = false;
  items?.forEach((view, entity) => {
    let item = store.items.get(entity);
    if (!item) {
      item = { entity, pose: readItemPose(view), heldBy: view.heldBy };
      store.items.set(entity, item);
      changed = true;
    } else {
      Object.assign(item.pose, readItemPose(view));
      item.heldBy = view.heldBy;
    }
  });
  for (const entity of store.items.keys()) {
    if (!items?.has(entity)) {
      store.items.delete(entity);
      changed = true;
    }
  }
  if (changed) store.itemsVersion += 1;
}

/** What a frame shows: the token's name, picture and model (asset hashes; '' = none). */
export interface FrameContent {
  name: string;
  image: string;
  model: string;
}

/** Brings `store.frames` in line with the room state's frames (on each state change, not per frame). */
export function applyFrames(store: WorldStore, frames: ReadonlyMap<string, NftFrameView> | undefined): void {
  const entries: Array<[string, FrameContent]> = [];
  frames?.forEach((frame, entity) =>
    entries.push([entity, { name: frame.name, image: frame.image, model: frame.model ?? '' }]),
  );
  const key = JSON.stringify(entries);
  if (key === store.framesKey) return;
  store.frames = new Map(entries);
  store.framesKey = key;
}
