/**
 * Server-side control of LiveKit rooms (RoomService over Twirp): mute, remove, list. Permission updates
 * REPLACE the participant's whole permission set, so every call sends all of it.
 */
import {
  RoomServiceClient,
  TrackSource,
  type ParticipantInfo,
  type ParticipantPermission,
} from 'livekit-server-sdk';
import type { VoiceRoomGrant, VoiceSource } from '../../protocol/index.js';
import type { LiveKitConfig } from '../config/app-config.js';
import { livekitHttpUrl } from './voice-names.js';

/** LiveKit's track sources for each kind of media we grant (a screen share may carry its audio). */
const TRACK_SOURCES: Record<VoiceSource, TrackSource[]> = {
  microphone: [TrackSource.MICROPHONE],
  camera: [TrackSource.CAMERA],
  screen_share: [TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO],
};

/**
 * The LiveKit sources of a grant. Never empty: LiveKit reads an empty list as "every source", so a grant
 * without sources (which the director never makes) still gets the microphone only.
 */
export function trackSourcesOf(grant: Pick<VoiceRoomGrant, 'sources'>): TrackSource[] {
  const sources = grant.sources.flatMap((source) => TRACK_SOURCES[source]);
  return sources.length > 0 ? sources : TRACK_SOURCES.microphone;
}

/** The complete permission set of a visitor in a voice room: listen always, publish what the grant allows. */
export function visitorPermission(grant: VoiceRoomGrant): Partial<ParticipantPermission> {
  return {
    canSubscribe: true,
    canPublish: grant.canPublish,
    canPublishSources: trackSourcesOf(grant),
    canPublishData: false,
    canUpdateMetadata: false,
    hidden: false,
  };
}

export class LiveKitAdmin {
  private readonly rooms: RoomServiceClient;

  constructor(config: LiveKitConfig) {
    this.rooms = new RoomServiceClient(livekitHttpUrl(config.url), config.apiKey, config.apiSecret);
  }

  /** Sets what `identity` may publish in the grant's room (its full permission set). */
  async setPermission(identity: string, grant: VoiceRoomGrant): Promise<void> {
    await this.rooms.updateParticipant(grant.room, identity, { permission: visitorPermission(grant) });
  }

  /** Removes `identity` from `room` (a removed token can still reconnect: the webhook re-kicks). */
  async remove(room: string, identity: string): Promise<void> {
    await this.rooms.removeParticipant(room, identity);
  }

  async participants(room: string): Promise<ParticipantInfo[]> {
    return this.rooms.listParticipants(room);
  }

  /** Whether the LiveKit server answers (readiness). */
  async ping(): Promise<void> {
    await this.rooms.listRooms([]);
  }
}
