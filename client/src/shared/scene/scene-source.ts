/**
 * What the scene renderer reads and reports. The player's world store is one (the published scene of a
 * live room, with its visitors' screen shares); the studio, the embed's poster and the render page build a
 * static one around a scene document with `createSceneSource()`. Plain mutable data, like the store: the
 * renderer checks `sceneVersion` each frame and redraws when it changes.
 */
import {
  EMPTY_WORLD,
  buildStaticWorld,
  type ItemPose,
  type SceneDocument,
  type StaticWorld,
} from '../../../../protocol/index.js';
import type { EntryProgress, ModelState } from '../assets/model-loads.js';
import type { VideoFeed } from '../voice/media-videos.js';

export type ScreenState = 'loading' | 'playing' | 'failed' | 'sharing';

export interface SceneSource {
  /** The scene drawn (null = none yet: the bare ground). */
  scene: SceneDocument | null;
  /** Bumped whenever `scene` is replaced; 0 = none. */
  sceneVersion: number;
  /** The scene's colliders, spawn points and portals (`buildStaticWorld(scene)`). */
  staticWorld: StaticWorld;
  /** Each model's state by entity id (written by the renderer). */
  models: Map<string, ModelState>;
  /** The scene version whose models have been handed to the loader. */
  modelsForVersion: number;
  /** Each screen's video state by entity id (written by the renderer). */
  screens: Map<string, ScreenState>;
  /** The scene's HDR environment and how its loading went (written by the renderer); null = none. */
  environment: { hdri: string; state: 'loading' | 'loaded' | 'failed' } | null;
  /** Bytes needed before the view is ready (the player's loading bar). */
  entryProgress: EntryProgress;
  /** A short message about something that failed to draw, and until when to show it (ms). */
  notice: { text: string; until: number } | null;
  /** Where the viewer stands, so the nearest models load first; null = the scene's default spawn point. */
  local: { predicted: { x: number; y: number; z: number } } | null;
  /**
   * Live worlds: where a movable item (an entity visitors grab) is now, written into `out`, for its model to
   * follow; false when this visitor does not see it. Absent outside a live world (models stay put).
   */
  itemPose?: (entity: string, out: ItemPose) => boolean;
  /** Live video feeds (the visitors' screen shares) shown on share screens; empty outside a live world. */
  videos: ReadonlyMap<string, VideoFeed>;
  videosVersion: number;
  /** The viewer's own session and where other visitors are drawn, to pick the nearest sharer. */
  sessionId: string | null;
  remotes: ReadonlyMap<string, { rendered: { x: number; z: number } }>;
}

/** A source for a scene outside a live world (studio, embed poster, render page). */
export function createSceneSource(scene: SceneDocument | null = null): SceneSource {
  const source: SceneSource = {
    scene: null,
    sceneVersion: 0,
    staticWorld: EMPTY_WORLD,
    models: new Map(),
    modelsForVersion: 0,
    screens: new Map(),
    environment: null,
    entryProgress: { loaded: 0, total: 0, needed: 0, neededSized: 0, neededSettled: 0 },
    notice: null,
    local: null,
    videos: new Map(),
    videosVersion: 0,
    sessionId: null,
    remotes: new Map(),
  };
  if (scene) showScene(source, scene);
  return source;
}

/** Replaces the scene a source shows; the renderer redraws on its next frame. */
export function showScene(source: SceneSource, scene: SceneDocument): void {
  source.scene = scene;
  source.staticWorld = buildStaticWorld(scene);
  source.sceneVersion += 1;
}
