/**
 * The scene's nft-frames: a dark frame where the scene hangs one, and inside it the picture of the token
 * bound to it (served by this server as a re-encoded WebP, GET /assets/files/<hash>), or a blank canvas when
 * nothing is bound or the token left its holder's wallet. Re-renders only when a frame's content changes.
 */
import { useFrame, useLoader } from '@react-three/fiber';
import { Suspense, useState } from 'react';
import { SRGBColorSpace, TextureLoader } from 'three';
import type { FramePlacement } from '../../../protocol/index.js';
import type { WorldStore } from '../world-store.js';

/** Width of the frame's border, and its depth, in metres. */
const BORDER = 0.08;
const DEPTH = 0.05;

function Picture({ image, width, height }: { image: string; width: number; height: number }) {
  const texture = useLoader(TextureLoader, `/assets/files/${image}`);
  texture.colorSpace = SRGBColorSpace;
  return (
    <mesh position-z={DEPTH / 2 + 0.002}>
      <planeGeometry args={[width, height]} />
      <meshBasicMaterial map={texture} toneMapped={false} />
    </mesh>
  );
}

function BlankCanvas({ width, height }: { width: number; height: number }) {
  return (
    <mesh position-z={DEPTH / 2 + 0.001}>
      <planeGeometry args={[width, height]} />
      <meshStandardMaterial color="#d8d2c4" />
    </mesh>
  );
}

function Frame({ placement, image }: { placement: FramePlacement; image: string | undefined }) {
  const { width, height } = placement;
  return (
    <group position={[placement.x, placement.y, placement.z]} rotation-y={placement.yaw}>
      <mesh>
        <boxGeometry args={[width + BORDER * 2, height + BORDER * 2, DEPTH]} />
        <meshStandardMaterial color="#2b2118" />
      </mesh>
      {image ? (
        <Suspense fallback={<BlankCanvas width={width} height={height} />}>
          <Picture image={image} width={width} height={height} />
        </Suspense>
      ) : (
        <BlankCanvas width={width} height={height} />
      )}
    </group>
  );
}

export function NftFrames({ store }: { store: WorldStore }) {
  const [key, setKey] = useState(`${store.sceneVersion}:${store.framesKey}`);
  useFrame(() => {
    const now = `${store.sceneVersion}:${store.framesKey}`;
    if (now !== key) setKey(now);
  });
  return (
    <group key={key}>
      {store.staticWorld.frames.map((placement) => (
        <Frame
          key={placement.entity}
          placement={placement}
          image={store.frames.get(placement.entity)?.image || undefined}
        />
      ))}
    </group>
  );
}
