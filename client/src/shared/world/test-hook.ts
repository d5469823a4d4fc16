/**
 * `window.__mib`: a read-only view of the player for browser tests (and curious developers), so tests
 * assert on scene data rather than pixels alone. Every read returns a fresh, frozen copy.
 */
import type { PlacedAvatar } from '../../../../protocol/index.js';
import { MOTIONS } from '../avatars/avatar-motions.js';
import { moveTarget } from './systems/pointer-move.js';
import { readPeople, type PersonView } from './people.js';
import type { WorldStore } from './world-store.js';
import type { ListenerPose, VoiceLevel } from '../voice/voice-probe.js';

export interface MibAvatarView extends PlacedAvatar {
  id: string;
  /** "<build>-<headwear>" ('' = the default look). */
  appearance: string;
  /** Its own avatar as the room says (asset hash; '' = the default figure). */
  avatarModel: string;
  /** Drawn in that avatar now (near, and loaded): read through three-vrm ('vrm') or as a rigged glTF; null: a default figure. */
  embodied: 'vrm' | 'gltf' | null;
  local: boolean;
}

export interface MibTestHook {
  readonly connection: WorldStore['connection'];
  readonly problem: string | null;
  /** The loading bar, and the bytes needed to enter it counts (scene document, decoders, near models). */
  readonly loading: { progress: number; stage: string; bytesLoaded: number; bytesTotal: number };
  readonly roomId: string | null;
  readonly sessionId: string | null;
  readonly presses: number;
  /** The local avatar as drawn (predicted), or null before joining. */
  readonly self: { x: number; y: number; z: number; yaw: number } | null;
  /** The scene item the local avatar sits on ('' = standing), and inputs not yet acknowledged. */
  readonly seat: string;
  /** What the local avatar wears, as the room says: the token's picture and model hashes ('' = none), its slot. */
  readonly wearing: { picture: string; model: string; slot: string } | null;
  readonly pendingInputs: number;
  /** The notice shown to the visitor, if any. */
  readonly notice: string | null;
  /** Every avatar in the scene as drawn this frame, local one included. */
  readonly avatars: MibAvatarView[];
  readonly stats: WorldStore['stats'];
  /** The published scene version loaded (0 = none) and how many obstacles, portals and spawns it has. */
  readonly scene: { version: number; obstacles: number; portals: number; spawns: number };
  /** Voice: what the HUD says, the assigned LiveKit room (null when off) and whether the mic is live. */
  readonly voice: {
    status: string | null;
    room: string | null;
    /** What the visitor may publish there (microphone, camera, screen_share) while allowed to talk. */
    sources: string[];
    microphone: boolean;
    camera: boolean;
    screenShare: boolean;
  };
  /**
   * What this visitor hears of each remote voice: left/right RMS after panning (0–1) and WebRTC's inbound
   * counters; measuring adds analysers to the voice's graph the first time. The listener as last placed.
   */
  voiceLevels(): Promise<VoiceLevel[]>;
  readonly listener: ListenerPose | null;
  /** Video feeds (camera billboards, screen shares): whose, whether drawn now, frames uploaded so far. */
  readonly videos: Array<{ sessionId: string; kind: string; local: boolean; drawn: boolean; frames: number }>;
  /** The VR session (null outside VR): the view's turn, the teleport aim, the inputs connected. */
  readonly vr: { yaw: number; aim: string; inputs: string[]; teleports: number; chat: string[] } | null;
  /** People near (in the area of interest): name, in voice, muted or blocked by this visitor. */
  readonly people: PersonView[];
  /** Chat lines as shown (blocked senders' lines left out), oldest first. */
  readonly chat: Array<{ from: string; name: string; channel: string; text: string }>;
  /** Where a click on the ground is walking the avatar (null when it is not). */
  readonly moveTarget: { x: number; z: number } | null;
  /** Each scene model's state (loading, loaded, failed) by entity id. */
  readonly models: Record<string, string>;
  /** Each scene screen's video state (loading, playing, failed) by entity id. */
  readonly screens: Record<string, string>;
  /** The scene's HDR environment (image-based lighting and sky) and whether it loaded; null = none. */
  readonly environment: { hdri: string; state: string } | null;
  /** Whether the room said this visitor may moderate the world. */
  readonly canModerate: boolean;
  /** The visitor's settings as applied. */
  readonly settings: WorldStore['settings'];
  /** Where the post-processing stands (the high preset's ambient occlusion and glow). */
  readonly postEffects: WorldStore['postEffects'];
  /** The motion each avatar plays now (idle, walk, run, jump or an emote), by session id. */
  readonly motions: Record<string, string>;
  /** Movable items in view: where they rest (metres) and who carries them ('' = nobody). */
  readonly items: Array<{ entity: string; x: number; y: number; z: number; heldBy: string }>;
  /** The scene's nft-frames and what each shows (name, picture and model hashes; null = empty). */
  readonly frames: Array<{ entity: string; token: { name: string; image: string; model: string } | null }>;
}

declare global {
  interface Window {
    __mib?: MibTestHook;
  }
}

export function installTestHook(store: WorldStore): void {
  const hook = Object.freeze({
    get connection() {
      return store.connection;
    },
    get problem() {
      return store.problem;
    },
    get loading() {
      const { loaded: bytesLoaded, total: bytesTotal } = store.entryProgress;
      return Object.freeze({ ...store.loading, bytesLoaded, bytesTotal });
    },
    get roomId() {
      return store.roomId;
    },
    get sessionId() {
      return store.sessionId;
    },
    get presses() {
      return store.presses;
    },
    get self() {
      const local = store.local;
      return local ? Object.freeze({ ...local.predicted }) : null;
    },
    get wearing() {
      const local = store.local;
      return local
        ? Object.freeze({ picture: local.wearing, model: local.wearingModel, slot: local.wearingSlot })
        : null;
    },
    get frames() {
      return store.staticWorld.frames.map((frame) =>
        Object.freeze({ entity: frame.entity, token: store.frames.get(frame.entity) ?? null }),
      );
    },
    get avatars() {
      const list: MibAvatarView[] = [];
      const embodied = store.customAvatarsDrawn?.() ?? {};
      if (store.local && store.sessionId && store.connection === 'joined') {
        const { name, color, appearance, avatarModel, predicted } = store.local;
        const id = store.sessionId;
        const drawnAs = { avatarModel, embodied: embodied[id] ?? null };
        list.push(Object.freeze({ id, name, color, appearance, ...drawnAs, ...predicted, local: true }));
      }
      for (const remote of store.remotes.values()) {
        if (remote.count === 0) continue; // not drawn until its first position arrives
        const { id, name, color, appearance, avatarModel, rendered } = remote;
        const drawnAs = { avatarModel, embodied: embodied[id] ?? null };
        list.push(Object.freeze({ id, name, color, appearance, ...drawnAs, ...rendered, local: false }));
      }
      return Object.freeze(list) as MibAvatarView[];
    },
    get seat() {
      return store.local?.seat ?? '';
    },
    get pendingInputs() {
      return store.local?.pending.length ?? 0;
    },
    get notice() {
      return store.notice && store.notice.until > performance.now() ? store.notice.text : null;
    },
    get stats() {
      return Object.freeze({ ...store.stats });
    },
    get scene() {
      const world = store.staticWorld;
      return Object.freeze({
        version: store.sceneVersion,
        obstacles: world.obstacles.length,
        portals: world.portals.length,
        spawns: world.spawns.length,
      });
    },
    get voice() {
      const voice = store.voice;
      return Object.freeze({
        status: store.voiceStatus,
        room: voice?.enabled ? voice.room.room : null,
        sources: voice?.enabled ? [...voice.room.sources] : [],
        microphone: store.microphone,
        camera: store.camera,
        screenShare: store.screenShare,
      });
    },
    voiceLevels() {
      return store.voiceProbe?.levels() ?? Promise.resolve([]);
    },
    get listener() {
      return store.voiceProbe?.listener() ?? null;
    },
    get videos() {
      return Object.freeze(
        [...store.videos.values()].map(({ sessionId, kind, local, drawn, frames }) =>
          Object.freeze({ sessionId, kind, local, drawn, frames }),
        ),
      );
    },
    get vr() {
      return store.vr
        ? Object.freeze({ ...store.vr, inputs: [...store.vr.inputs], chat: [...store.vr.chat] })
        : null;
    },
    get people() {
      return Object.freeze(readPeople(store).map((person) => Object.freeze(person)));
    },
    get moveTarget() {
      return moveTarget.active ? Object.freeze({ x: moveTarget.x, z: moveTarget.z }) : null;
    },
    get models() {
      return Object.freeze(Object.fromEntries(store.models));
    },
    get environment() {
      return store.environment ? Object.freeze({ ...store.environment }) : null;
    },
    get screens() {
      return Object.freeze(Object.fromEntries(store.screens));
    },
    get canModerate() {
      return store.canModerate;
    },
    get settings() {
      return Object.freeze({ ...store.settings });
    },
    get postEffects() {
      return store.postEffects;
    },
    get chat() {
      return Object.freeze(
        store.chat
          .filter((line) => !store.blocked.has(line.from))
          .map(({ from, name, channel, text }) => Object.freeze({ from, name, channel, text })),
      );
    },
    get motions() {
      const motions: Record<string, string> = {};
      if (store.local && store.sessionId) motions[store.sessionId] = MOTIONS[store.local.motion.motion]!;
      for (const remote of store.remotes.values()) motions[remote.id] = MOTIONS[remote.motion.motion]!;
      return Object.freeze(motions);
    },
    get items() {
      return Object.freeze(
        [...store.items.values()].map(({ entity, pose, heldBy }) =>
          Object.freeze({ entity, x: pose.x, y: pose.y, z: pose.z, heldBy }),
        ),
      );
    },
  });
  Object.defineProperty(window, '__mib', { value: hook, writable: false, configurable: false });
}
