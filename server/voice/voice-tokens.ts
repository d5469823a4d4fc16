/**
 * LiveKit access tokens, minted only here: one room, short-lived, least privilege — listen always; talk
 * where the server allows (microphone, plus camera and screen share where the world allows them); never
 * data messages, never room administration.
 */
import { AccessToken, TokenVerifier, type ClaimGrants } from 'livekit-server-sdk';
import type { VoiceRoomGrant } from '../../protocol/index.js';
import type { LiveKitConfig } from '../config/app-config.js';
import { trackSourcesOf } from './livekit-admin.js';

/** Lifetime of a voice token, in seconds (10 minutes; clients ask again when their rooms change). */
export const VOICE_TOKEN_TTL_SECONDS = 600;

export interface VoiceTokenRequest {
  identity: string;
  /** Display name shown to others in the room. */
  name: string;
  grant: VoiceRoomGrant;
}

export class VoiceTokens {
  constructor(private readonly config: LiveKitConfig) {}

  async mint({ identity, name, grant }: VoiceTokenRequest): Promise<string> {
    const token = new AccessToken(this.config.apiKey, this.config.apiSecret, {
      identity,
      name,
      ttl: VOICE_TOKEN_TTL_SECONDS,
    });
    token.addGrant({
      roomJoin: true,
      room: grant.room,
      canSubscribe: true,
      canPublish: grant.canPublish,
      canPublishSources: trackSourcesOf(grant),
      canPublishData: false,
      canUpdateOwnMetadata: false,
    });
    return token.toJwt();
  }

  /** Decodes and checks a token this server minted (tests and diagnostics). */
  verify(token: string): Promise<ClaimGrants> {
    return new TokenVerifier(this.config.apiKey, this.config.apiSecret).verify(token);
  }
}
