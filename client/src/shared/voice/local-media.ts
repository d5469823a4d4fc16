/**
 * The visitor's own camera and screen share. Captured with livekit-client (the browser asks for
 * permission), shown on this page at once (the visitor's own billboard, or the share screen nearest to
 * them), and published into the assigned voice room while its grant allows — published again after every
 * room switch, stopped the moment the server's grant no longer allows it. A refused permission, a missing
 * device or a busy camera is told to the visitor with what to do.
 */
import {
  createLocalScreenTracks,
  createLocalVideoTrack,
  Track,
  VideoPresets,
  type LocalTrack,
  type Room,
} from 'livekit-client';
import type { VoiceRoomGrant } from '../../../../protocol/index.js';
import type { WorldStore } from '../world/world-store.js';
import type { MediaVideos, VideoKind } from './media-videos.js';
import { allows, captureProblem, NAME_OF, refusal } from './media-problems.js';

export class LocalMedia {
  private readonly tracks = new Map<VideoKind, LocalTrack[]>();

  /**
   * `room` gives the connected island/zone room and its grant (room null while connecting: captures are
   * published once it connects; grant null while there is no voice).
   */
  constructor(
    private readonly store: WorldStore,
    private readonly videos: MediaVideos,
    private readonly room: () => { room: Room | null; grant: VoiceRoomGrant | null },
  ) {}

  /** Starts or stops the camera or the screen share. Problems end up in `store.notice`. */
  async set(kind: VideoKind, on: boolean): Promise<void> {
    if (!on) return this.stop(kind, this.room().room);
    const { grant } = this.room();
    if (this.tracks.has(kind)) return;
    if (!window.isSecureContext)
      return this.tell(
        `Your ${NAME_OF[kind]} needs https (or localhost): put TLS in front of the server (see docs/voice.md).`,
      );
    if (!allows(grant, kind)) return this.tell(refusal(grant, kind));
    let tracks: LocalTrack[];
    try {
      tracks =
        kind === 'camera'
          ? [await createLocalVideoTrack({ resolution: VideoPresets.h360.resolution })]
          : await createLocalScreenTracks({ audio: true });
    } catch (error) {
      return this.tell(captureProblem(kind, error));
    }
    if (!allows(this.room().grant, kind) || this.tracks.has(kind)) {
      // The grant changed (or a second click won) while the browser asked for permission.
      for (const track of tracks) track.stop();
      if (!this.tracks.has(kind)) this.tell(refusal(this.room().grant, kind));
      return;
    }
    this.tracks.set(kind, tracks);
    this.setFlag(kind, true);
    const video = tracks.find((track) => track.kind === Track.Kind.Video);
    if (video) {
      this.videos.show(`local-${kind}`, this.store.sessionId ?? '', kind, video.mediaStreamTrack, true);
      // The browser's own "Stop sharing" button (or an unplugged camera) ends the track.
      video.mediaStreamTrack.addEventListener('ended', () => void this.stop(kind, this.room().room), {
        once: true,
      });
    }
    const { room } = this.room();
    if (room) await this.publish(room, kind);
  }

  /** Publishes every running capture into a room that just connected. */
  async publishAll(room: Room): Promise<void> {
    for (const kind of this.tracks.keys()) await this.publish(room, kind);
  }

  /** Takes the captures out of a room being left, keeping them running for the next room. */
  async unpublishAll(room: Room): Promise<void> {
    for (const tracks of this.tracks.values())
      for (const track of tracks)
        await room.localParticipant.unpublishTrack(track, false).catch(() => undefined);
  }

  /** Stops what the server's new grant no longer allows (muted, off the stage, barred by the world). */
  async follow(grant: VoiceRoomGrant | null, room: Room | null): Promise<void> {
    for (const kind of [...this.tracks.keys()])
      if (!allows(grant, kind)) {
        await this.stop(kind, room);
        this.tell(refusal(grant, kind));
      }
  }

  async stopAll(room: Room | null): Promise<void> {
    for (const kind of [...this.tracks.keys()]) await this.stop(kind, room);
  }

  private async publish(room: Room, kind: VideoKind): Promise<void> {
    for (const track of this.tracks.get(kind) ?? []) {
      const source =
        kind === 'camera'
          ? Track.Source.Camera
          : track.kind === Track.Kind.Audio
            ? Track.Source.ScreenShareAudio
            : Track.Source.ScreenShare;
      try {
        await room.localParticipant.publishTrack(track, { source });
      } catch (error) {
        console.warn(`voice: the ${NAME_OF[kind]} could not be published`, error);
        this.tell(`Your ${NAME_OF[kind]} could not be sent to the others; turn it off and on to try again.`);
      }
    }
  }

  private async stop(kind: VideoKind, room: Room | null): Promise<void> {
    const tracks = this.tracks.get(kind);
    if (!tracks) return;
    this.tracks.delete(kind);
    this.setFlag(kind, false);
    this.videos.hide(`local-${kind}`);
    for (const track of tracks) {
      if (room) await room.localParticipant.unpublishTrack(track, false).catch(() => undefined);
      track.stop();
    }
  }

  private setFlag(kind: VideoKind, on: boolean): void {
    if (kind === 'camera') this.store.camera = on;
    else this.store.screenShare = on;
  }

  private tell(text: string): void {
    this.store.notice = { text, until: performance.now() + 8_000 };
  }
}
