/**
 * The scene's screens. A video screen plays its URL on a loop as a video texture, muted (browsers let
 * only muted media start by itself); a click on the screen turns its sound on or off, and the sound then
 * fades with the visitor's distance (silent from AUDIBLE_METRES) at the visitor's media volume. A video
 * that cannot be played (missing, not a video, or served without CORS headers to this origin) leaves a
 * dark screen and a notice. A screen-share screen shows the screen share of the sharer nearest to it —
 * one in the visitor's voice room (the server decides whose shares reach whom) or the visitor's own — and
 * is a dark panel while nobody shares (docs/voice.md). Each screen's state (loading, playing, failed,
 * sharing) is in `store.screens`.
 */
import { useFrame, type ThreeEvent } from '@react-three/fiber';
import { useEffect, useMemo, useRef, useState } from 'react';
import { DoubleSide, SRGBColorSpace, VideoTexture } from 'three';
import {
  componentsOf,
  sceneEntities,
  transformResolver,
  type SceneDocument,
  type WorldTransform,
} from '../../../../protocol/index.js';
import type { SceneSource } from './scene-source.js';
import { drawFeed, uploadNewFrame, type VideoFeed } from '../voice/media-videos.js';
import { useSceneVersion } from './use-scene-version.js';

/** Metres from a screen at which its sound has faded out. */
const AUDIBLE_METRES = 25;
/** A share screen looks again for the nearest sharer this often (avatars move), in ms. */
const SHARE_CHECK_MS = 1_000;

interface Screen {
  entity: string;
  width: number;
  height: number;
  transform: WorldTransform;
  /** Video URL; null for a screen-share screen. */
  video: string | null;
}

function screensOf(scene: SceneDocument | null): Screen[] {
  const screens: Screen[] = [];
  if (!scene) return screens;
  const transformOf = transformResolver(scene);
  for (const entity of sceneEntities(scene))
    for (const component of componentsOf(entity))
      if (component.type === 'screen')
        screens.push({
          entity: entity.id,
          width: component.size[0],
          height: component.size[1],
          transform: transformOf(entity),
          video: component.source.kind === 'video' ? component.source.url : null,
        });
  return screens;
}

/** Plays `url` while mounted; the texture once frames arrive (null before, or when it fails). */
function usePlayingVideo(store: SceneSource, entity: string, url: string | null) {
  const [playing, setPlaying] = useState<{ texture: VideoTexture; video: HTMLVideoElement } | null>(null);
  useEffect(() => {
    if (!url) return;
    const video = document.createElement('video');
    video.crossOrigin = 'anonymous'; // pixels from another origin may be drawn only with its CORS consent
    video.loop = true;
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    const texture = new VideoTexture(video);
    texture.colorSpace = SRGBColorSpace;
    store.screens.set(entity, 'loading');
    const onPlaying = () => {
      store.screens.set(entity, 'playing');
      setPlaying({ texture, video });
    };
    const onError = () => {
      store.screens.set(entity, 'failed');
      store.notice = {
        text: `A screen (${entity}) cannot play ${url}: ${video.error?.message || 'the file is missing or not a video this browser plays'}. Check the URL, and that its server allows this site (CORS).`,
        until: performance.now() + 8_000,
      };
      setPlaying(null);
    };
    video.addEventListener('playing', onPlaying, { once: true });
    video.addEventListener('error', onError);
    video.src = url;
    // Muted playback may start on its own; a refusal here shows up as an 'error' event or no frames.
    void video.play().catch(() => undefined);
    return () => {
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('error', onError);
      video.pause();
      video.removeAttribute('src');
      video.load(); // lets the browser drop the download
      texture.dispose();
      store.screens.delete(entity);
      setPlaying(null);
    };
  }, [store, entity, url]);
  return playing;
}

/** The screen share of the sharer nearest to `at` (avatars out of sight count as far), or null. */
function nearestShare(store: SceneSource, [x, , z]: readonly number[]): VideoFeed | null {
  let best: VideoFeed | null = null;
  let bestDistance = Infinity;
  for (const feed of store.videos.values()) {
    if (feed.kind !== 'screen') continue;
    const body =
      feed.sessionId === store.sessionId
        ? store.local?.predicted
        : store.remotes.get(feed.sessionId)?.rendered;
    const distance = body ? Math.hypot(body.x - x!, body.z - z!) : Number.MAX_VALUE;
    if (best === null || distance < bestDistance) {
      best = feed;
      bestDistance = distance;
    }
  }
  return best;
}

/** For a share screen: the share it shows now (null while nobody shares, and for video screens). */
function useShare(store: SceneSource, screen: Screen): VideoFeed | null {
  const [share, setShare] = useState<VideoFeed | null>(null);
  const checked = useRef({ version: -1, at: 0 });
  useFrame(() => {
    if (screen.video !== null) return;
    const now = performance.now();
    if (store.videosVersion === checked.current.version && now - checked.current.at < SHARE_CHECK_MS) return;
    checked.current = { version: store.videosVersion, at: now };
    const nearest = nearestShare(store, screen.transform.p);
    if (nearest === share) return;
    if (nearest) store.screens.set(screen.entity, 'sharing');
    else store.screens.delete(screen.entity);
    setShare(nearest);
  });
  return share;
}

function ScreenPanel({ screen, store, volume }: { screen: Screen; store: SceneSource; volume: number }) {
  const playing = usePlayingVideo(store, screen.entity, screen.video);
  const share = useShare(store, screen);
  const volumeRef = useRef(volume);
  volumeRef.current = volume;
  const shownTime = useRef(-1);
  const shownShare = useRef({ time: -1 });
  const [cx, cy, cz] = screen.transform.p;
  useFrame(({ invalidate }) => {
    if (share) {
      share.drawn = true;
      drawFeed(share, shownShare.current);
      invalidate(); // a live feed: every frame drawn while it is shown
    }
    if (!playing) return;
    const { video, texture } = playing;
    const shown = uploadNewFrame(video, texture, shownTime.current);
    if (shown !== shownTime.current) invalidate(); // a new video frame to draw
    shownTime.current = shown;
    const self = store.local?.predicted;
    if (video.muted || !self) return;
    const distance = Math.hypot(self.x - cx, self.y - cy, self.z - cz);
    video.volume = Math.max(0, 1 - distance / AUDIBLE_METRES) * volumeRef.current;
  });
  const toggleSound = (event: ThreeEvent<MouseEvent>) => {
    if (!playing) return;
    event.stopPropagation(); // not a click-to-move on the ground behind
    playing.video.muted = !playing.video.muted;
    store.notice = {
      text: playing.video.muted ? 'Screen muted' : 'Screen sound on (click the screen again to mute)',
      until: performance.now() + 2_500,
    };
  };
  const { p, q, s } = screen.transform;
  return (
    <mesh position={p} quaternion={q} scale={s} name={`screen-${screen.entity}`} onClick={toggleSound}>
      <planeGeometry args={[screen.width, screen.height]} />
      {/* Keyed: a material compiled without a map does not pick one up later (three needs a recompile). */}
      {playing ? (
        <meshBasicMaterial key="video" map={playing.texture} side={DoubleSide} toneMapped={false} />
      ) : share ? (
        <meshBasicMaterial key={share.key} map={share.texture} side={DoubleSide} toneMapped={false} />
      ) : (
        <meshBasicMaterial key="dark" color="#10131c" side={DoubleSide} />
      )}
    </mesh>
  );
}

export function SceneScreens({ store, volume }: { store: SceneSource; volume: number }) {
  const version = useSceneVersion(store);
  // The scene changes only with its version.
  const screens = useMemo(() => screensOf(store.scene), [version, store]);
  return (
    <group>
      {screens.map((screen) => (
        <ScreenPanel key={screen.entity} screen={screen} store={store} volume={volume} />
      ))}
    </group>
  );
}
