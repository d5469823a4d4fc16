/**
 * Voice in the player with livekit-client: joins exactly the LiveKit rooms the world assigned (the room's
 * `voice` message), each with a token from POST /voice/token, and switches promptly when they change. Each
 * remote voice plays through WebAudio, panned (HRTF) and attenuated by the distance to the speaker's avatar;
 * where PannerNode is missing it falls back to distance gain only. The server decides who hears whom — this
 * only follows, so a changed client cannot hear more than the server allows.
 */
import { Room, RoomEvent, Track, type RemoteParticipant, type RemoteTrack } from 'livekit-client';
import type { VoiceEvent, VoiceRoomGrant } from '../../../protocol/index.js';
import type { WorldStore } from '../world-store.js';

/** Distance model of a remote voice: full volume within REF metres, fading to silence around MAX. */
const REF_DISTANCE = 2;
const MAX_DISTANCE = 20;
/** Retry a failed connection after this long, in ms, while the room is still assigned. */
const RETRY_MS = 5_000;

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

interface RemoteVoice {
  sessionId: string;
  element: HTMLAudioElement;
  source: MediaStreamAudioSourceNode;
  panner: PannerNode | null;
  gain: GainNode;
}

/** One live LiveKit room (the island/zone one, or the announcements). */
interface Joined {
  grant: VoiceRoomGrant;
  room: Room;
}

export class VoiceClient {
  private readonly joined = new Map<'room' | 'announce', Joined>();
  private readonly voices = new Map<string, RemoteVoice>();
  private audio: AudioContext | null = null;
  private microphone = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private latest: VoiceEvent | null = null;

  constructor(private readonly deps: VoiceDeps) {}

  /** Follows a new assignment from the room. */
  apply(event: VoiceEvent): void {
    this.latest = event;
    const { store } = this.deps;
    if (!event.enabled) {
      store.voiceStatus = event.off;
      void this.leaveAll();
      return;
    }
    void this.follow('room', event.room);
    void this.follow('announce', event.announce);
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
      this.deps.store.voiceStatus = `The microphone could not be used: ${(error as Error).message}`;
    }
  }

  /** Places every remote voice at its speaker's avatar, heard from the local avatar (per frame, no allocation). */
  updatePanning(listenerYaw: number): void {
    const audio = this.audio;
    const local = this.deps.store.local;
    if (!audio || !local || this.voices.size === 0) return;
    const me = local.predicted;
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
    await this.leaveAll();
    await this.audio?.close().catch(() => undefined);
    this.audio = null;
  }

  private async follow(slot: 'room' | 'announce', grant: VoiceRoomGrant): Promise<void> {
    const current = this.joined.get(slot);
    if (current && current.grant.room === grant.room && current.grant.canPublish === grant.canPublish) return;
    if (current) {
      this.joined.delete(slot);
      await current.room.disconnect();
    }
    const room = new Room({ adaptiveStream: true, dynacast: true });
    this.joined.set(slot, { grant, room });
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => this.heard(track, participant));
    room.on(RoomEvent.TrackUnsubscribed, (_track, _publication, participant) => this.silenced(participant));
    room.on(RoomEvent.ParticipantDisconnected, (participant) => this.silenced(participant));
    room.on(RoomEvent.ActiveSpeakersChanged, (speakers) => {
      if (slot !== 'room') return;
      this.deps.store.speaking = new Set(speakers.map((p) => sessionOf(p.identity)).filter((s) => s !== ''));
    });
    if (slot === 'room') this.deps.store.voiceStatus = 'Voice: connecting…';
    try {
      const token = await this.deps.requestToken(grant.room);
      if (this.joined.get(slot)?.room !== room) return; // reassigned meanwhile
      await room.connect(token.url, token.token, { autoSubscribe: true });
      if (slot === 'room') {
        this.deps.store.voiceStatus = `Voice: ${describe(grant)}`;
        if (this.microphone) await this.setMicrophone(true);
      }
    } catch (error) {
      if (this.joined.get(slot)?.room !== room) return;
      if (slot === 'room')
        this.deps.store.voiceStatus = `Voice cannot connect right now (${(error as Error).message}); retrying`;
      this.joined.delete(slot);
      clearTimeout(this.retry);
      this.retry = setTimeout(() => {
        if (this.latest) this.apply(this.latest);
      }, RETRY_MS);
    }
  }

  private heard(track: RemoteTrack, participant: RemoteParticipant): void {
    if (track.kind !== Track.Kind.Audio) return;
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
    this.silenced(participant);
    this.voices.set(participant.identity, {
      sessionId: sessionOf(participant.identity),
      element,
      source,
      panner,
      gain,
    });
  }

  private silenced(participant: RemoteParticipant): void {
    const voice = this.voices.get(participant.identity);
    if (!voice) return;
    voice.source.disconnect();
    voice.element.srcObject = null;
    this.voices.delete(participant.identity);
  }

  private async leaveAll(): Promise<void> {
    const rooms = [...this.joined.values()];
    this.joined.clear();
    for (const voice of this.voices.values()) voice.source.disconnect();
    this.voices.clear();
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
