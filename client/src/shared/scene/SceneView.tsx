/**
 * The one scene renderer: everything a scene document draws — lights, ground, models (nearest first, with
 * levels of detail), signs and sky, screens, and the logic components' markers — inside an R3F canvas the
 * app owns. It needs a SceneSource and where assets are read, never a room: the player passes its world
 * store (and adds avatars, items and frames around it), the studio a draft with `editor` overlays, the
 * render page a scene it photographs.
 */
import type { Ref } from 'react';
import type { Group } from 'three';
import type { SceneSource } from './scene-source.js';
import { EditorOverlays } from './EditorOverlays.js';
import { SceneDressing } from './SceneDressing.js';
import { SceneGeometry } from './SceneGeometry.js';
import { SceneGround } from './SceneGround.js';
import { SceneLights } from './SceneLights.js';
import { SceneModels } from './SceneModels.js';
import { SceneScreens } from './SceneScreens.js';

export interface SceneViewProps {
  source: SceneSource;
  /** The server's origin for assets ('' = this page's). */
  assetBase?: string | undefined;
  shadows?: boolean | undefined;
  /** Draw colliders as solid boxes (the player's creator setting). */
  showColliders?: boolean | undefined;
  /** Editor overlays: collider and voice-zone wireframes, spawn arrows, portal targets. */
  editor?: boolean | undefined;
  /** Volume of the screens' video sound, 0–1. */
  mediaVolume?: number | undefined;
  /** A click on the ground, in world metres. */
  onGroundPick?: ((x: number, z: number) => void) | undefined;
  /** Most triangles the models may draw a frame (the studio's on software WebGL); unlimited by default. */
  triangleBudget?: number | undefined;
  /**
   * 'scene': the scene's lights and fog, as visitors see it; 'studio': a sky light and a sun only, no fog
   * (the studio's solid view: quick to draw, and a whole world in view is not lost in its fog).
   */
  lighting?: 'scene' | 'studio' | undefined;
  /**
   * Draw the scene's HDR environment (its sky and image-based lighting) where it names one, and the
   * ground's patterns (default yes); the low preset says no — on a weak device (or WebGL in software) they
   * cost several times the frame, and the ground is then drawn in its plain colours.
   */
  sceneDetail?: boolean | undefined;
  /** Receives the group of what blocks the view (the player's follow camera keeps out of it). */
  blockers?: Ref<Group> | undefined;
}

export function SceneView({
  source,
  assetBase = '',
  shadows = false,
  showColliders = false,
  editor = false,
  mediaVolume = 1,
  onGroundPick,
  blockers,
  triangleBudget,
  lighting = 'scene',
  sceneDetail = true,
}: SceneViewProps) {
  const hdr = lighting === 'scene' && sceneDetail;
  return (
    <>
      <SceneLights store={source} shadows={shadows} studio={lighting === 'studio'} hdr={hdr} />
      <SceneGround store={source} onPick={onGroundPick} patterns={sceneDetail} />
      <group ref={blockers}>
        <SceneGeometry store={source} showColliders={showColliders} />
        <SceneModels
          store={source}
          assetBase={assetBase}
          triangleBudget={triangleBudget}
          instancing={!editor}
        />
        <SceneDressing store={source} fog={lighting === 'scene'} hdr={hdr} assetBase={assetBase} />
        <SceneScreens store={source} volume={mediaVolume} />
      </group>
      {editor && <EditorOverlays store={source} />}
    </>
  );
}
