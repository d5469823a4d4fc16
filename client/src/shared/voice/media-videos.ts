/**
 * The video feeds the player shows: camera video (a billboard by its speaker's avatar) and screen shares
 * (on the scene's screen-share screens), remote ones as LiveKit delivers them and the visitor's own as soon
 * as it is captured. Each feed plays muted in a detached <video> (sound goes through WebAudio, panned) and
 * is drawn from a VideoTexture; `store.videosVersion` counts changes so the scene redraws its list.
 */
import { SRGBColorSpace, VideoTexture } from 'three';
import type { WorldStore } from '../world/world-store.js';

/** Camera video is shown (and, remotely, received) only for avatars this near, in metres. */
export const CAMERA_NEAR_METRES = 12;

export type VideoKind = 'camera' | 'screen';

export interface VideoFeed {
  /** LiveKit track sid, or "local-<kind>" for the visitor's own. */
  key: string;
  /** The world-room session whose avatar it belongs to. */
  sessionId: string;
  kind: VideoKind;
  element: HTMLVideoElement;
  texture: VideoTexture;
  local: boolean;
  /** Whether it is drawn this frame (near enough, or on a screen), and how many frames were uploaded. */
  drawn: boolean;
  frames: number;
}

export class MediaVideos {
  constructor(private readonly store: WorldStore) {}

  show(key: string, sessionId: string, kind: VideoKind, track: MediaStreamTrack, local: boolean): void {
    this.hide(key);
    const element = document.createElement('video');
    element.muted = true; // sound, if any, is its own track (panned through WebAudio)
    element.playsInline = true;
    element.autoplay = true;
    element.srcObject = new MediaStream([track]);
    void element.play().catch(() => undefined); // muted playback starts without a gesture
    const texture = new VideoTexture(element);
    texture.colorSpace = SRGBColorSpace;
    this.store.videos.set(key, { key, sessionId, kind, element, texture, local, drawn: false, frames: 0 });
    this.store.videosVersion++;
  }

  hide(key: string): void {
    const feed = this.store.videos.get(key);
    if (!feed) return;
    feed.element.pause();
    feed.element.srcObject = null;
    feed.texture.dispose();
    this.store.videos.delete(key);
    this.store.videosVersion++;
  }

  /** Every remote feed (leaving a voice room, or voice turned off); the visitor's own stay. */
  hideRemote(): void {
    for (const feed of [...this.store.videos.values()]) if (!feed.local) this.hide(feed.key);
  }
}

/**
 * Marks a feed's texture for upload when its video shows a new frame (see uploadNewFrame), per frame.
 * `shown` holds the video time last uploaded.
 */
export function drawFeed(feed: VideoFeed, shown: { time: number }): void {
  const time = uploadNewFrame(feed.element, feed.texture, shown.time);
  if (time === shown.time) return;
  shown.time = time;
  feed.frames++;
}

/**
 * Marks a video texture for upload when its video shows a new frame. three.js waits for
 * requestVideoFrameCallback, which a browser may never call for a video that is not on the page, as here;
 * the video's clock is the reliable signal. Returns the time now shown (keep it for the next call).
 */
export function uploadNewFrame(video: HTMLVideoElement, texture: VideoTexture, shownTime: number): number {
  if (video.currentTime === shownTime || video.readyState < video.HAVE_CURRENT_DATA) return shownTime;
  texture.needsUpdate = true;
  return video.currentTime;
}
