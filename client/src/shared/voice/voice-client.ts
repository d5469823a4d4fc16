/**
 * Voice and video in the player with livekit-client: joins exactly the LiveKit rooms the world assigned
 * (the room's `voice` message), each with a token from POST /voice/token, and switches promptly when they
 * change. Each remote voice plays through WebAudio, panned (HRTF) and attenuated by the distance to the
 * speaker's avatar; where PannerNode is missing it falls back to distance gain only. Camera video is
 * received only from avatars within CAMERA_NEAR_METRES (subscriptions follow distance) and shown by them;
 * screen shares go to the scene's share screens (media-videos.ts). The server decides who hears and sees
 * whom — this only follows, so a changed client cannot receive more than the server allows.
 */
import {
  Room,
  RoomEvent,
  Track,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from 'livekit-client';
import type { VoiceEvent, VoiceRoomGrant } from '../../../../protocol/index.js';
import type { WorldStore } from '../world/world-store.js';
import { LocalMedia } from './local-media.js';
import { captureProblem, voiceConnectProblem } from './media-problems.js';
import { EarMeter, inboundOf, type ListenerPose, type VoiceLevel } from './voice-probe.js';
import { CAMERA_NEAR_METRES, MediaVideos, type VideoKind } from './media-videos.js';

/** Distance model of a remote voice: full volume within REF metres, fading to silence around MAX. */
const REF_DISTANCE = 2;
const MAX_DISTANCE = 20;
/** Retry a failed connection after this long, in ms, while the room is still assigned. */
const RETRY_MS = 5_000;
/** Camera subscriptions follow avatars' distances this often, in ms. */
const NEAR_CAMERAS_EVERY_MS = 1_000;

interface VoiceToken {
  url: string;
  token: string;
  room: string;
  canPublish: boolean;
}

/** What the voice client needs from the rest of the player. */
export interface VoiceDeps {
  store: WorldStore;
  /** POST /voice/token as this visitor. */
  requestToken(room: string): Promise<VoiceToken>;
}

/** One remote audio track (a microphone, or a screen share's sound), by track sid. */
interface RemoteVoice {
  identity: string;
  sessionId: string;
  /** The LiveKit room it arrived through. */
  room: Room;
  track: RemoteTrack;
  /** Added the first time this voice is measured (tests); null until then. */
  meter: EarMeter | null;
  element: HTMLAudioElement;
  source: MediaStreamAudioSourceNode;
  panner: PannerNode | null;
  gain: GainNode;
}

/** One LiveKit room (the island/zone one, or the announcements); `connected` once it is. */
interface Joined {
  grant: VoiceRoomGrant;
  room: Room;
  connected: boolean;
}

export class VoiceClient {
  private readonly joined = new Map<'room' | 'announce', Joined>();
  private readonly voices = new Map<string, RemoteVoice>();
  private audio: AudioContext | null = null;
  private microphone = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private latest: VoiceEvent | null = null;
  private readonly videos: MediaVideos;
  private readonly media: LocalMedia;
  private readonly nearCameras: ReturnType<typeof setInterval>;

  constructor(private readonly deps: VoiceDeps) {
    this.videos = new MediaVideos(deps.store);
    this.media = new LocalMedia(deps.store, this.videos, () => {
      const joined = this.joined.get('room');
      return {
        room: joined?.connected ? joined.room : null,
        grant: this.latest?.enabled ? this.latest.room : null,
      };
    });
    this.nearCameras = setInterval(() => this.subscribeNearCameras(), NEAR_CAMERAS_EVERY_MS);
    deps.store.voiceProbe = {
      levels: () => this.levels(),
      listener: () => (this.listenerPlaced ? { ...this.listenerPose } : null),
    };
  }

  /** The listener as last placed by updatePanning (updated in place: it runs every frame). */
  private readonly listenerPose: ListenerPose = { x: 0, z: 0, yaw: 0 };
  private listenerPlaced = false;

  /** Each remote voice's level per ear after panning, and its WebRTC inbound counters. */
  private async levels(): Promise<VoiceLevel[]> {
    const audio = this.audio;
    if (!audio) return [];
    return Promise.all(
      [...this.voices.values()].map(async (voice) => {
        voice.meter ??= new EarMeter(audio, voice.gain);
        return { sessionId: voice.sessionId, ...voice.meter.read(), ...(await inboundOf(voice.track)) };
      }),
    );
  }

  /** Follows a new assignment from the room. */
  apply(event: VoiceEvent): void {
    this.latest = event;
    const { store } = this.deps;
    if (!event.enabled) {
      store.voiceStatus = event.off;
      void this.media.stopAll(this.joined.get('room')?.room ?? null).then(() => this.leaveAll());
      return;
    }
    void this.media.follow(event.room, this.joined.get('room')?.room ?? null);
    void this.follow('room', event.room);
    void this.follow('announce', event.announce);
  }

  /** Turns the camera or the screen share on or off, where the world and the visitor's grant allow it. */
  setVideo(kind: VideoKind, on: boolean): Promise<void> {
    return this.media.set(kind, on);
  }

  /** Turns the microphone on or off where the visitor may talk. Needs a secure context (https or localhost). */
  async setMicrophone(on: boolean): Promise<void> {
    if (on && !window.isSecureContext) {
      this.deps.store.voiceStatus =
        'The microphone needs https (or localhost): put TLS in front of the server (see docs/voice.md).';
      return;
    }
    this.microphone = on;
    const joined = this.joined.get('room');
    if (!joined) return;
    try {
      await joined.room.localParticipant.setMicrophoneEnabled(on && joined.grant.canPublish);
      this.deps.store.microphone = on && joined.grant.canPublish;
    } catch (error) {
      this.microphone = false;
      this.deps.store.microphone = false;
      console.warn('voice: the microphone could not be started', error);
      this.deps.store.voiceStatus = captureProblem('microphone', error);
    }
  }

  /** Places every remote voice at its speaker's avatar, heard from the local avatar (per frame, no allocation). */
  updatePanning(listenerYaw: number): void {
    const audio = this.audio;
    const local = this.deps.store.local;
    if (!audio || !local || this.voices.size === 0) return;
    const me = local.predicted;
    this.listenerPose.x = me.x;
    this.listenerPose.z = me.z;
    this.listenerPose.yaw = listenerYaw;
    this.listenerPlaced = true;
    const listener = audio.listener;
    if (listener.positionX) {
      listener.positionX.value = me.x;
      listener.positionY.value = me.y + 1.6;
      listener.positionZ.value = me.z;
      listener.forwardX.value = Math.sin(listenerYaw);
      listener.forwardY.value = 0;
      listener.forwardZ.value = Math.cos(listenerYaw);
    }
    const muted = this.deps.store.mutedLocally;
    for (const voice of this.voices.values()) {
      const speaker = this.deps.store.remotes.get(voice.sessionId)?.rendered;
      if (!speaker) continue;
      if (muted.has(voice.sessionId)) {
        voice.gain.gain.value = 0; // muted for this visitor only
        continue;
      }
      const volume = this.deps.store.settings.voiceVolume;
      if (voice.panner) {
        voice.gain.gain.value = volume;
        voice.panner.positionX.value = speaker.x;
        voice.panner.positionY.value = speaker.y + 1.6;
        voice.panner.positionZ.value = speaker.z;
      } else {
        // No panner: loudness by distance only (the same inverse model).
        const distance = Math.hypot(speaker.x - me.x, speaker.z - me.z);
        voice.gain.gain.value =
          (volume * REF_DISTANCE) / (REF_DISTANCE + Math.max(0, distance - REF_DISTANCE));
      }
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.retry);
    clearInterval(this.nearCameras);
    await this.media.stopAll(this.joined.get('room')?.room ?? null);
    await this.leaveAll();
    await this.audio?.close().catch(() => undefined);
    this.audio = null;
  }

  private async follow(slot: 'room' | 'announce', grant: VoiceRoomGrant): Promise<void> {
    const current = this.joined.get(slot);
    if (
      current &&
      current.grant.room === grant.room &&
      current.grant.canPublish === grant.canPublish &&
      current.grant.sources.join() === grant.sources.join()
    )
      return;
    // The token is asked for at once: leaving the old room meanwhile costs the switch no time.
    const requested = this.deps.requestToken(grant.room);
    requested.catch(() => undefined); // awaited (and its failure reported) below
    if (current) {
      this.joined.delete(slot);
      // Captures outlive the room: taken out first, they are published again in the next room.
      if (slot === 'room') await this.media.unpublishAll(current.room);
      await current.room.disconnect();
    }
    // Not adaptiveStream: it pauses video not attached to a visible element, and ours are textures.
    const room = new Room({ adaptiveStream: false, dynacast: true });
    const joined: Joined = { grant, room, connected: false };
    this.joined.set(slot, joined);
    room.on(RoomEvent.TrackSubscribed, (track, publication, participant) =>
      this.received(track, publication, participant, room),
    );
    room.on(RoomEvent.TrackUnsubscribed, (track) => this.dropped(track.sid));
    room.on(RoomEvent.TrackPublished, () => this.subscribeNearCameras());
    room.on(RoomEvent.ParticipantDisconnected, (participant) => this.silenced(participant));
    // The LiveKit server went away mid-visit (restarted, network): livekit-client tries to resume first;
    // if it gives up, this joins again from scratch, as often as it takes, while the room is assigned.
    room.on(RoomEvent.Reconnecting, () => {
      if (slot !== 'room' || this.joined.get(slot)?.room !== room) return;
      this.deps.store.voiceStatus = 'Voice is unavailable right now; reconnecting…';
      this.deps.store.speaking = new Set(); // nobody is heard meanwhile
    });
    room.on(RoomEvent.Reconnected, () => {
      if (slot === 'room' && this.joined.get(slot)?.room === room)
        this.deps.store.voiceStatus = `Voice: ${describe(grant)}`;
    });
    room.on(RoomEvent.Disconnected, () => this.lost(slot, room));
    room.on(RoomEvent.ActiveSpeakersChanged, (speakers) => {
      if (slot !== 'room') return;
      this.deps.store.speaking = new Set(speakers.map((p) => sessionOf(p.identity)).filter((s) => s !== ''));
    });
    if (slot === 'room') this.deps.store.voiceStatus = 'Voice: connecting…';
    let step: 'token' | 'connect' = 'token';
    try {
      const token = await requested;
      step = 'connect';
      if (this.joined.get(slot)?.room !== room) return; // reassigned meanwhile
      // Subscriptions are ours: every sound and screen share, camera video from near avatars only.
      // The embedded LiveKit is reached through this page's origin: its url is then a path (/livekit-signal).
      const url = new URL(token.url, window.location.href).toString();
      await room.connect(url, token.token, { autoSubscribe: false });
      joined.connected = true;
      this.subscribeNearCameras();
      if (slot === 'room') {
        this.deps.store.voiceStatus = `Voice: ${describe(grant)}`;
        if (this.microphone) await this.setMicrophone(true);
        await this.media.publishAll(room);
      }
    } catch (error) {
      if (this.joined.get(slot)?.room !== room) return;
      if (slot === 'room') {
        console.warn(`voice: the ${step === 'token' ? 'token request' : 'connection'} failed`, error);
        this.deps.store.voiceStatus = voiceConnectProblem(step, error, RETRY_MS / 1000);
      }
      this.joined.delete(slot);
      clearTimeout(this.retry);
      this.retry = setTimeout(() => {
        if (this.latest) this.apply(this.latest);
      }, RETRY_MS);
    }
  }

  /** A room we did not leave ourselves dropped: say so, drop what it carried, and join again soon. */
  private lost(slot: 'room' | 'announce', room: Room): void {
    const joined = this.joined.get(slot);
    if (joined?.room !== room || !joined.connected) return; // left on purpose, or still connecting
    this.joined.delete(slot);
    for (const participant of room.remoteParticipants.values()) this.silenced(participant);
    for (const [sid, voice] of [...this.voices]) if (voice.room === room) this.dropped(sid);
    if (slot === 'room') {
      this.deps.store.voiceStatus = 'Voice is unavailable right now; reconnecting…';
      this.deps.store.speaking = new Set();
    }
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (this.latest) this.apply(this.latest);
    }, RETRY_MS);
  }

  /** Subscribes to every remote track except camera video from avatars farther than CAMERA_NEAR_METRES. */
  private subscribeNearCameras(): void {
    const me = this.deps.store.local?.predicted;
    for (const { room, connected } of this.joined.values()) {
      if (!connected) continue;
      for (const participant of room.remoteParticipants.values()) {
        const speaker = this.deps.store.remotes.get(sessionOf(participant.identity))?.rendered;
        const near =
          me !== undefined &&
          speaker !== undefined &&
          Math.hypot(speaker.x - me.x, speaker.z - me.z) <= CAMERA_NEAR_METRES;
        for (const publication of participant.trackPublications.values()) {
          const wanted = publication.source !== Track.Source.Camera || near;
          if (publication.isDesired !== wanted) publication.setSubscribed(wanted);
        }
      }
    }
  }

  private received(
    track: RemoteTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
    room: Room,
  ): void {
    if (track.kind === Track.Kind.Video) {
      const kind = publication.source === Track.Source.ScreenShare ? 'screen' : 'camera';
      this.videos.show(
        track.sid ?? publication.trackSid,
        sessionOf(participant.identity),
        kind,
        track.mediaStreamTrack,
        false,
      );
      return;
    }
    if (track.kind === Track.Kind.Audio) this.heard(track, participant, room);
  }

  /** A track unsubscribed (far away now, unpublished, or its room left). */
  private dropped(sid: string | undefined): void {
    if (sid === undefined) return;
    this.videos.hide(sid);
    const voice = this.voices.get(sid);
    if (!voice) return;
    voice.source.disconnect();
    voice.element.srcObject = null;
    this.voices.delete(sid);
  }

  private heard(track: RemoteTrack, participant: RemoteParticipant, room: Room): void {
    const audio = (this.audio ??= new AudioContext());
    const stream = new MediaStream([track.mediaStreamTrack]);
    // Chrome only feeds WebAudio from a remote stream that is also attached to a (muted) element.
    const element = new Audio();
    element.muted = true;
    element.srcObject = stream;
    const source = audio.createMediaStreamSource(stream);
    const gain = audio.createGain();
    let panner: PannerNode | null = null;
    if (typeof audio.createPanner === 'function') {
      panner = audio.createPanner();
      panner.panningModel = 'HRTF';
      panner.distanceModel = 'inverse';
      panner.refDistance = REF_DISTANCE;
      panner.maxDistance = MAX_DISTANCE;
      panner.rolloffFactor = 1;
      source.connect(panner).connect(gain).connect(audio.destination);
    } else source.connect(gain).connect(audio.destination);
    const sid = track.sid ?? `${participant.identity}:${track.source}`;
    this.dropped(sid);
    this.voices.set(sid, {
      identity: participant.identity,
      sessionId: sessionOf(participant.identity),
      room,
      track,
      meter: null,
      element,
      source,
      panner,
      gain,
    });
  }

  /** Everything of a participant who left the room. */
  private silenced(participant: RemoteParticipant): void {
    for (const [sid, voice] of [...this.voices])
      if (voice.identity === participant.identity) this.dropped(sid);
    for (const feed of [...this.deps.store.videos.values()])
      if (!feed.local && feed.sessionId === sessionOf(participant.identity)) this.videos.hide(feed.key);
  }

  private async leaveAll(): Promise<void> {
    const rooms = [...this.joined.values()];
    this.joined.clear();
    for (const voice of this.voices.values()) voice.source.disconnect();
    this.voices.clear();
    this.videos.hideRemote();
    this.deps.store.microphone = false;
    await Promise.all(rooms.map(({ room }) => room.disconnect()));
  }
}

/** The world-room session id inside an identity we minted (`<account>:<session>`). */
const sessionOf = (identity: string): string => identity.split(':')[1] ?? '';

function describe(grant: VoiceRoomGrant): string {
  if (grant.kind === 'stage') return grant.canPublish ? 'on stage' : 'in the audience';
  if (grant.kind === 'zone') return 'in a voice zone';
  return grant.canPublish ? 'people nearby hear you' : 'listening only (muted by a moderator)';
}
