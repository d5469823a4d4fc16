import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { useCallback, useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Group, Mesh } from 'three';
import { AvatarRenderer, type AvatarRendererOptions } from '../../avatars/avatar-renderer.js';
import { runFrame } from '../frame-loop.js';
import type { PlayerSettings } from '../settings.js';
import { moveTarget, setMoveTarget } from '../systems/pointer-move.js';
import { installCameraOrbit } from '../systems/camera-orbit.js';
import type { WorldConnection } from '../../net/world-connection.js';
import { FrameRateLimit, frameloopFor } from './FrameRateLimit.js';
import type { WorldStore } from '../world-store.js';
import { SceneView } from '../../scene/SceneView.js';
import { MovableItems } from './MovableItems.js';
import { NftFrames } from './NftFrames.js';
import { CameraBillboards } from './CameraBillboards.js';
import { PostEffects, type PostEffectsState } from './PostEffects.js';
import { wornModelSource } from './worn-model-source.js';
import { customAvatarSource } from './custom-avatar-source.js';

interface SceneProps {
  store: WorldStore;
  connection: RefObject<WorldConnection | null>;
  nameTagLayer: RefObject<HTMLDivElement | null>;
  avatarRendering?: AvatarRendererOptions | undefined;
  settings: PlayerSettings;
  /** More of the app's own inside the canvas (the player's VR rig). */
  children?: ReactNode;
}

/** Runs the frame loop inside R3F's render loop, before each render. */
function FrameDriver({
  store,
  connection,
  nameTagLayer,
  avatars,
  blockers,
}: SceneProps & { avatars: AvatarRenderer; blockers: RefObject<Group | null> }) {
  const camera = useThree((state) => state.camera);
  const gl = useThree((state) => state.gl);
  useEffect(() => installCameraOrbit(gl.domElement), [gl]);
  useEffect(() => {
    avatars.wornModels = wornModelSource(store, gl);
    avatars.customAvatars = customAvatarSource(store, gl);
    store.customAvatarsDrawn = () => avatars.customDrawn();
    return () => {
      delete store.customAvatarsDrawn;
      avatars.wornModels = undefined;
      avatars.customAvatars = undefined;
    };
  }, [avatars, store, gl]);
  useFrame((_, delta) => {
    runFrame(
      {
        store,
        connection: connection.current,
        avatars,
        blockers: blockers.current,
        camera,
        renderer: gl,
        nameTagLayer: nameTagLayer.current,
      },
      Math.min(delta, 0.25),
    );
  });
  return null;
}

/** A ring where a click on the ground sent the avatar, shown until it gets there. */
function MoveTargetMarker() {
  const marker = useRef<Mesh>(null);
  useFrame(() => {
    const ring = marker.current;
    if (!ring) return;
    ring.visible = moveTarget.active;
    if (moveTarget.active) ring.position.set(moveTarget.x, 0.03, moveTarget.z);
  });
  return (
    <mesh ref={marker} rotation-x={-Math.PI / 2} visible={false}>
      <ringGeometry args={[0.3, 0.42, 32]} />
      <meshBasicMaterial color="#ffffff" transparent opacity={0.8} />
    </mesh>
  );
}

export function WorldScene(props: SceneProps) {
  // One renderer for the page's life: it owns the avatars' GPU resources and their animation state.
  const [avatars] = useState(() => new AvatarRenderer(props.avatarRendering));
  const blockers = useRef<Group>(null);
  const { store } = props;
  const reportEffects = useCallback((state: PostEffectsState) => (store.postEffects = state), [store]);
  return (
    <Canvas
      camera={{ position: [0, 7, -10], fov: 55, near: 0.1, far: 400 }}
      dpr={props.settings.pixelRatio}
      shadows={props.settings.shadows}
      frameloop={frameloopFor(props.settings.maxFps)}
    >
      <FrameRateLimit fps={props.settings.maxFps} />
      <SceneView
        source={props.store}
        sceneDetail={props.settings.sceneDetail}
        shadows={props.settings.shadows}
        showColliders={props.settings.showColliders}
        mediaVolume={props.settings.mediaVolume}
        onGroundPick={setMoveTarget}
        blockers={blockers}
      />
      <MoveTargetMarker />
      <MovableItems store={props.store} />
      <NftFrames store={props.store} />
      <CameraBillboards store={props.store} />
      <primitive object={avatars.root} />
      <FrameDriver {...props} avatars={avatars} blockers={blockers} />
      {props.settings.effects && <PostEffects report={reportEffects} />}
      {props.children}
    </Canvas>
  );
}
