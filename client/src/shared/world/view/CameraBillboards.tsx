/**
 * Camera video as a small billboard beside its speaker's head, facing the viewer: remote cameras within
 * CAMERA_NEAR_METRES of the visitor (farther ones are not even received, see voice-client.ts), and the
 * visitor's own camera by their own avatar, so they see what others see.
 */
import { useFrame } from '@react-three/fiber';
import { useRef, useState } from 'react';
import { DoubleSide, Vector3, type Mesh } from 'three';
import { CAMERA_NEAR_METRES, drawFeed, type VideoFeed } from '../../voice/media-videos.js';
import type { WorldStore } from '../world-store.js';

/** Billboard width, its centre's height over the avatar's feet and its offset to the viewer's right (m). */
const WIDTH = 0.8;
const HEIGHT = 1.75;
const SIDE = 0.75;
/** Until the video reports its size: 4:3. */
const DEFAULT_ASPECT = 0.75;

const viewerRight = new Vector3();

function CameraBillboard({ feed, store }: { feed: VideoFeed; store: WorldStore }) {
  const mesh = useRef<Mesh>(null);
  const shown = useRef({ time: -1 });
  useFrame(({ camera }) => {
    const billboard = mesh.current;
    if (!billboard) return;
    const me = store.local?.predicted;
    const body = feed.sessionId === store.sessionId ? me : store.remotes.get(feed.sessionId)?.rendered;
    const near =
      me !== undefined &&
      body !== undefined &&
      (feed.local || Math.hypot(body.x - me.x, body.z - me.z) <= CAMERA_NEAR_METRES);
    billboard.visible = near;
    feed.drawn = near;
    if (!near) return;
    drawFeed(feed, shown.current);
    const { videoWidth, videoHeight } = feed.element;
    billboard.scale.set(
      WIDTH,
      videoWidth > 0 ? (WIDTH * videoHeight) / videoWidth : WIDTH * DEFAULT_ASPECT,
      1,
    );
    billboard.quaternion.copy(camera.quaternion);
    viewerRight.set(1, 0, 0).applyQuaternion(camera.quaternion);
    billboard.position.set(body.x, body.y + HEIGHT, body.z).addScaledVector(viewerRight, SIDE);
  });
  return (
    <mesh ref={mesh} visible={false} name={`camera-${feed.sessionId}`} renderOrder={1}>
      <planeGeometry args={[1, 1]} />
      <meshBasicMaterial map={feed.texture} side={DoubleSide} toneMapped={false} />
    </mesh>
  );
}

export function CameraBillboards({ store }: { store: WorldStore }) {
  const [feeds, setFeeds] = useState<VideoFeed[]>([]);
  const version = useRef(-1);
  useFrame(() => {
    if (store.videosVersion === version.current) return;
    version.current = store.videosVersion;
    setFeeds([...store.videos.values()].filter((feed) => feed.kind === 'camera'));
  });
  return (
    <group>
      {feeds.map((feed) => (
        <CameraBillboard key={feed.key} feed={feed} store={store} />
      ))}
    </group>
  );
}
