/**
 * The scene's nft-frames: a dark frame where the scene hangs one, and inside it the picture of the token
 * bound to it (served by this server as a re-encoded WebP, GET /assets/files/<hash>), or a blank canvas when
 * nothing is bound or the token left its holder's wallet. A token with a model (its animation_url GLB,
 * imported by the server's asset pipeline) also shows it standing out of the frame, fitted to it and
 * slowly turning. Re-renders only when a frame's content changes.
 */
import { useFrame, useLoader, useThree } from '@react-three/fiber';
import { Suspense, useEffect, useRef, useState } from 'react';
import { Box3, SRGBColorSpace, TextureLoader, Vector3, type Group } from 'three';
import { modelLoadsFor } from '../../assets/model-loads.js';
import type { FramePlacement } from '../../../../../protocol/index.js';
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

/** Radians per second a framed model turns. */
const TURN_SPEED = 0.5;
/** Share of the frame's width and height a model may fill. */
const MODEL_FILL = 0.8;

/**
 * The token's model in front of its frame, scaled to fit it; nothing if it cannot be loaded (a notice). Its
 * state is in `store.models` as "<frame entity>:model".
 */
function FrameModel(props: {
  entity: string;
  asset: string;
  width: number;
  height: number;
  store: WorldStore;
}) {
  const { asset, width, height, store } = props;
  const key = `${props.entity}:model`;
  const turner = useRef<Group>(null);
  const gl = useThree((state) => state.gl);
  useEffect(() => {
    let live = true;
    const loads = modelLoadsFor(gl, store.entryProgress);
    let shown: Group | undefined;
    store.models.set(key, 'loading');
    loads
      .info(asset)
      .then((info) => loads.file(info.levels[0]!.url, 0, false))
      .then((gltf) => {
        if (!live || !turner.current) return;
        shown = gltf.scene.clone(true);
        const size = new Box3().setFromObject(shown).getSize(new Vector3());
        const scale = Math.min((width * MODEL_FILL) / size.x, (height * MODEL_FILL) / size.y, width / size.z);
        const centre = new Box3().setFromObject(shown).getCenter(new Vector3());
        shown.scale.setScalar(scale);
        shown.position.copy(centre).multiplyScalar(-scale);
        turner.current.position.z = DEPTH / 2 + (size.z * scale) / 2 + 0.02;
        turner.current.add(shown);
        store.models.set(key, 'loaded');
      })
      .catch((error: unknown) => {
        if (!live) return;
        store.models.set(key, 'failed');
        const why = error instanceof Error ? error.message : String(error);
        store.notice = {
          text: `A token's model could not be loaded: ${why}`,
          until: performance.now() + 8_000,
        };
      });
    return () => {
      live = false;
      shown?.removeFromParent();
      store.models.delete(key);
    };
  }, [asset, width, height, gl, store, key]);
  useFrame((_, delta) => {
    if (turner.current) turner.current.rotation.y += delta * TURN_SPEED;
  });
  return <group ref={turner} name={`frame-model-${asset.slice(0, 12)}`} />;
}

function Frame({
  placement,
  image,
  model,
  store,
}: {
  placement: FramePlacement;
  image: string | undefined;
  model: string | undefined;
  store: WorldStore;
}) {
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
      {model && (
        <FrameModel entity={placement.entity} asset={model} width={width} height={height} store={store} />
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
          model={store.frames.get(placement.entity)?.model || undefined}
          store={store}
        />
      ))}
    </group>
  );
}
