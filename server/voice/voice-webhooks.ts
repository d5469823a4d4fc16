/**
 * LiveKit's webhooks: verified against our API secret (signature and body hash), answered at once, then
 * handled in the background — deduplicated by event id (LiveKit retries, and events arrive late or out of
 * order), and reconciled with the room's participant list rather than trusted on their own. A participant
 * whose token is stale (moved to another island, left the world) or who is banned is removed again: a
 * removed participant's token still works until it expires.
 */
import { WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { ModerationService } from '../control-plane/index.js';
import { Problem } from '../control-plane/index.js';
import type { LiveKitConfig } from '../config/app-config.js';
import type { LiveKitAdmin } from './livekit-admin.js';
import type { VoiceAssignments } from './voice-assignments.js';
import { parseVoiceIdentity } from './voice-names.js';

/** Event ids are remembered this long, in seconds, to drop redeliveries (LiveKit retries within minutes). */
const DEDUPE_SECONDS = 3600;
/** Most event ids remembered at once. */
const MAX_REMEMBERED = 10_000;

export interface VoicePresenceEvents {
  voicePresence(worldId: string, sessionId: string, inVoice: boolean): void;
}

export class VoiceWebhooks {
  private readonly receiver: WebhookReceiver;
  /** Event id → until when it counts as seen (ms), oldest first. */
  private readonly seen = new Map<string, number>();

  constructor(
    config: LiveKitConfig,
    private readonly admin: LiveKitAdmin,
    private readonly assignments: VoiceAssignments,
    private readonly moderation: ModerationService,
    private readonly events: VoicePresenceEvents,
    private readonly log: Logger,
  ) {
    this.receiver = new WebhookReceiver(config.apiKey, config.apiSecret);
  }

  /** Checks the signature and body hash; 401 when either is wrong. */
  async verify(body: string, authorization: string | undefined): Promise<WebhookEvent> {
    if (!authorization)
      throw Problem.unauthenticated(
        'livekit webhook: the Authorization header (a token signed with the API secret) is missing',
      );
    try {
      return await this.receiver.receive(body, authorization);
    } catch (error) {
      throw Problem.unauthenticated(
        `livekit webhook: not signed by this server's LiveKit key, or the body was changed (${(error as Error).message})`,
      );
    }
  }

  /** Handles a verified event once, whatever LiveKit redelivers. Never throws (it runs after the answer). */
  async handle(event: WebhookEvent): Promise<void> {
    try {
      if (event.id && !this.firstDelivery(event.id)) return;
      const room = event.room?.name;
      const identity = event.participant?.identity;
      if (!room || !identity) return;
      if (event.event === 'participant_joined') await this.admitted(room, identity);
      if (event.event === 'participant_joined' || event.event === 'participant_left')
        await this.reconcile(room, identity);
    } catch (error) {
      this.log.error(
        { err: error, event: event.event, id: event.id },
        'voice: handling a LiveKit webhook failed',
      );
    }
  }

  /**
   * Whether this event id is new. Remembered in this process (bounded, oldest forgotten first): the
   * embedded presence expires keys with a timer per key, and a day-long timer per event would pile up and
   * hold the process open. A redelivery that reaches another process is handled again, which is harmless:
   * every handler is idempotent (removing twice, reconciling with the participant list).
   */
  private firstDelivery(id: string): boolean {
    const now = Date.now();
    if ((this.seen.get(id) ?? 0) > now) return false;
    this.seen.delete(id);
    this.seen.set(id, now + DEDUPE_SECONDS * 1000);
    for (const [old, until] of this.seen) {
      if (this.seen.size <= MAX_REMEMBERED && until > now) break;
      this.seen.delete(old);
    }
    return true;
  }

  /** A participant joined: removed again unless the server assigned it this room right now and it is not banned. */
  private async admitted(room: string, identity: string): Promise<void> {
    const parsed = parseVoiceIdentity(identity);
    if (!parsed) return; // not a visitor (e.g. an operator's recorder): not ours to judge
    const assignment = await this.assignments.get(parsed.sessionId);
    const assigned =
      assignment?.accountId === parsed.accountId &&
      (assignment.room.room === room || assignment.announce.room === room);
    const ban = assignment
      ? await this.moderation.activeBan(assignment.worldId, parsed.accountId)
      : undefined;
    if (assigned && !ban) return;
    this.log.info(
      { room, identity, banned: Boolean(ban) },
      'voice: removing a participant the server did not assign here',
    );
    await this.admin.remove(room, identity).catch((error: unknown) => {
      if ((error as { status?: number }).status !== 404) throw error;
    });
  }

  /** Tells the visitor's world room whether it is in voice, from the room's participant list. */
  private async reconcile(room: string, identity: string): Promise<void> {
    const parsed = parseVoiceIdentity(identity);
    if (!parsed) return;
    const assignment = await this.assignments.get(parsed.sessionId);
    if (!assignment || assignment.room.room !== room) return; // presence counts the island/zone room only
    const present = (await this.admin.participants(room)).some((p) => p.identity === identity);
    this.events.voicePresence(assignment.worldId, parsed.sessionId, present);
  }
}
