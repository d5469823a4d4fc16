import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { useState, type RefObject } from 'react';
import { WORLD_HALF_EXTENT } from '../../../protocol/index.js';
import { AvatarRenderer, type AvatarRendererOptions } from '../avatar/avatar-renderer.js';
import { runFrame } from '../frame-loop.js';
import type { WorldConnection } from '../net/world-connection.js';
import type { WorldStore } from '../world-store.js';
import { MovableItems } from './MovableItems.js';
import { NftFrames } from './NftFrames.js';
import { SceneGeometry } from './SceneGeometry.js';

interface SceneProps {
  store: WorldStore;
  connection: RefObject<WorldConnection | null>;
  nameTagLayer: RefObject<HTMLDivElement | null>;
  avatarRendering?: AvatarRendererOptions | undefined;
}

/** Runs the frame loop inside R3F's render loop, before each render. */
function FrameDriver({ store, connection, nameTagLayer, avatars }: SceneProps & { avatars: AvatarRenderer }) {
  const camera = useThree((state) => state.camera);
  const gl = useThree((state) => state.gl);
  useFrame((_, delta) => {
    runFrame(
      {
        store,
        connection: connection.current,
        avatars,
        camera,
        renderer: gl,
        nameTagLayer: nameTagLayer.current,
      },
      Math.min(delta, 0.25),
    );
  });
  return null;
}

function Ground() {
  const size = WORLD_HALF_EXTENT * 2;
  return (
    <group>
      <mesh rotation-x={-Math.PI / 2} receiveShadow>
        <planeGeometry args={[size, size]} />
        <meshLambertMaterial color="#6d9c5a" />
      </mesh>
      <gridHelper args={[size, size / 4, '#4f7a40', '#5d8a4d']} position-y={0.01} />
    </group>
  );
}

export function WorldScene(props: SceneProps) {
  // One renderer for the page's life: it owns the avatars' GPU resources and their animation state.
  const [avatars] = useState(() => new AvatarRenderer(props.avatarRendering));
  return (
    <Canvas camera={{ position: [0, 7, -10], fov: 55, near: 0.1, far: 400 }} dpr={[1, 2]}>
      <color attach="background" args={['#a8d0ff']} />
      <fog attach="fog" args={['#a8d0ff', 60, 160]} />
      <hemisphereLight args={['#ffffff', '#55704a', 1.2]} />
      <directionalLight position={[20, 30, -10]} intensity={1.6} />
      <Ground />
      <SceneGeometry store={props.store} />
      <MovableItems store={props.store} />
      <NftFrames store={props.store} />
      <primitive object={avatars.root} />
      <FrameDriver {...props} avatars={avatars} />
    </Canvas>
  );
}
