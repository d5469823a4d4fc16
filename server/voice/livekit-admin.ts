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
import type { LiveKitConfig } from '../config/app-config.js';
import { livekitHttpUrl } from './voice-names.js';

/** Sources a visitor may publish where it may talk (camera and screen share are not offered yet). */
export const TALK_SOURCES: TrackSource[] = [TrackSource.MICROPHONE];

/** The complete permission set of a visitor in a voice room: listen always, talk when allowed. */
export function visitorPermission(canPublish: boolean): Partial<ParticipantPermission> {
  return {
    canSubscribe: true,
    canPublish,
    // An empty list means "every source" to LiveKit, so a listener gets the microphone only (and cannot use it).
    canPublishSources: TALK_SOURCES,
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

  /** Sets whether `identity` may talk in `room` (its full permission set). */
  async setCanPublish(room: string, identity: string, canPublish: boolean): Promise<void> {
    await this.rooms.updateParticipant(room, identity, { permission: visitorPermission(canPublish) });
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
