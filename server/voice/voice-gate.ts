/**
 * Who gets a voice token for which room: only a signed-in visitor, only for the rooms its world room
 * assigned to its own session right now, never while banned. Everything else is refused with a reason.
 */
import { Problem } from '../control-plane/index.js';
import type { ModerationService, Principal } from '../control-plane/index.js';
import type { VoiceSource } from '../../protocol/index.js';
import type { LiveKitConfig } from '../config/app-config.js';
import type { VoiceAssignments } from './voice-assignments.js';
import { VOICE_NOT_CONFIGURED } from './voice-director.js';
import { livekitWsUrl, voiceIdentity } from './voice-names.js';
import { VOICE_TOKEN_TTL_SECONDS, type VoiceTokens } from './voice-tokens.js';

export interface VoiceTokenReply {
  /** Where the client connects (ws or wss). */
  url: string;
  token: string;
  room: string;
  kind: 'island' | 'zone' | 'stage' | 'announce';
  canPublish: boolean;
  sources: VoiceSource[];
  /** ISO time the token stops working; ask again before. */
  expiresAt: string;
}

export interface VoiceSetup {
  config: LiveKitConfig;
  tokens: VoiceTokens;
  assignments: VoiceAssignments;
}

/**
 * Who may talk: a signed-in account (guests included), or an embed's visitor, who joined as the guest
 * account its embed token names.
 */
function speakerOf(caller: Principal): { accountId: string; displayName: string } | undefined {
  if (caller.kind === 'account') return caller;
  if (caller.kind === 'key' && caller.embed?.name && caller.accountId)
    return { accountId: caller.accountId, displayName: caller.embed.name };
  return undefined;
}

export class VoiceGate {
  constructor(
    private readonly setup: VoiceSetup | undefined,
    private readonly moderation: ModerationService,
  ) {}

  async token(caller: Principal, sessionId: string, room: string): Promise<VoiceTokenReply> {
    const speaker = speakerOf(caller);
    if (!speaker)
      throw Problem.unauthenticated(
        caller.kind === 'key'
          ? 'voice: API keys cannot get voice tokens; sign in as the visitor (a guest session is enough)'
          : 'voice: a voice token needs a signed-in session; sign in (a guest session from POST /auth/guest is enough)',
      );
    if (!this.setup) throw Problem.unavailable(`voice: ${VOICE_NOT_CONFIGURED}`);
    const assignment = await this.setup.assignments.get(sessionId);
    if (!assignment || assignment.accountId !== speaker.accountId)
      throw Problem.forbidden(
        `voice: room session "${sessionId}" is not one of yours in a running world; join the world, then ask with the session id it gave you`,
      );
    const grant = [assignment.room, assignment.announce].find((g) => g.room === room);
    if (!grant)
      throw Problem.forbidden(
        `voice: "${room}" is not a voice room the world assigned you right now; ask for the rooms in the latest voice message`,
      );
    const ban = await this.moderation.activeBan(assignment.worldId, speaker.accountId);
    if (ban) throw new Problem(403, 'banned', `voice: you are banned from this world (${ban.reason})`);
    const token = await this.setup.tokens.mint({
      identity: voiceIdentity(speaker.accountId, sessionId),
      name: speaker.displayName,
      grant,
    });
    return {
      url: livekitWsUrl(this.setup.config.publicUrl),
      token,
      room: grant.room,
      kind: grant.kind,
      canPublish: grant.canPublish,
      sources: grant.sources,
      expiresAt: new Date(Date.now() + VOICE_TOKEN_TTL_SECONDS * 1000).toISOString(),
    };
  }
}
