/**
 * Voice inside one world instance: ten times a second the room regroups its visitors into islands and
 * zones (islands.ts), tells each visitor whose rooms changed (MessageType.voice), records the assignment
 * for the token endpoint, and enforces it on the LiveKit server — a visitor moved to another room is
 * removed from the old one, and one who may no longer talk (muted) has its permissions replaced — so what
 * a client does with an old token cannot undo the server's decision.
 */
import type { Logger } from 'pino';
import type { StaticWorld, VoiceEvent, VoiceRoomGrant, VoiceSource } from '../../protocol/index.js';
import type { VoiceMode, World } from '../db/tables.js';
import { assignVoiceRooms, type VoiceAssignment, type VoiceParams } from './islands.js';
import type { LiveKitAdmin } from './livekit-admin.js';
import type { VoiceAssignments } from './voice-assignments.js';
import { announceRoomName, livekitRoomName, voiceIdentity } from './voice-names.js';

/**
 * Regroup every this many ticks (2 × 50 ms = 100 ms): someone walking up to a group is moved into its
 * room within a tenth of a second. bench:voice's reassignMs (entering → hearing the group, target under
 * 1 s) is mostly the LiveKit connection (0.5–1 s on a loaded machine); at 250 ms the regrouping still
 * took up to 285 ms of it, at 1 s up to 1 s. Regrouping is O(n) and tells only those whose rooms changed.
 */
export const VOICE_EVERY_TICKS = 2;

export interface VoiceListener {
  sessionId: string;
  /** Signed-in account; voice needs one (identities are per account). */
  accountId: string | null;
  /** May talk on stages and in announcements. */
  canModerate: boolean;
  /** Why a moderator muted this visitor (no talking anywhere), or null. */
  mutedFor: string | null;
  body: { x: number; y: number; z: number };
  send(event: VoiceEvent): void;
}

/** The world's voice settings a running instance follows. */
export interface VoiceSettings {
  mode: VoiceMode;
  /** Those who may talk may also publish camera video / share their screen. */
  allowCamera: boolean;
  allowScreenShare: boolean;
}

export const voiceSettingsOf = (
  world: Pick<World, 'voice_mode' | 'allow_camera' | 'allow_screen_share'>,
): VoiceSettings => ({
  mode: world.voice_mode,
  allowCamera: world.allow_camera,
  allowScreenShare: world.allow_screen_share,
});

/** What the director needs from the server: none of it when voice is not configured. */
export interface VoiceBackend {
  admin: LiveKitAdmin;
  assignments: VoiceAssignments;
  params: VoiceParams;
}

export const VOICE_NOT_CONFIGURED =
  'Voice is not set up on this server (the operator sets LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET).';
export const VOICE_OFF_IN_WORLD = 'Voice is turned off in this world.';
export const VOICE_NEEDS_SESSION =
  'Voice needs a session: sign in (a guest session is enough) and join again.';

export class VoiceDirector {
  private previous = new Map<string, VoiceAssignment>();
  /** What each visitor was last told, to send only changes. */
  private readonly told = new Map<string, { event: VoiceEvent; key: string }>();
  private nextIsland = 0;

  constructor(
    private readonly backend: VoiceBackend | undefined,
    private readonly worldId: string,
    private readonly instance: number,
    private settings: VoiceSettings,
    private readonly log: () => Logger,
  ) {}

  /** Whether voice runs in this instance (configured on the server and not off in the world). */
  get active(): boolean {
    return this.offReason() === undefined;
  }

  /** A visitor joined: told at once when it will have no voice (and why); others hear within a second. */
  joined(listener: VoiceListener): void {
    const off = this.offReason() ?? (listener.accountId === null ? VOICE_NEEDS_SESSION : undefined);
    if (off !== undefined) this.tell(listener, { enabled: false, off });
  }

  /**
   * The world's voice settings changed while the instance runs: turning voice off takes everyone out of
   * their LiveKit rooms and tells them why; turning it on (or switching mode) regroups with the next update;
   * allowing or barring camera / screen share changes everyone's grants (and LiveKit permissions) with it.
   */
  setSettings(settings: VoiceSettings, listeners: Iterable<VoiceListener>): void {
    const modeChanged = settings.mode !== this.settings.mode;
    this.settings = settings;
    if (!modeChanged) return;
    this.previous = new Map();
    if (this.active) return;
    for (const listener of listeners) {
      this.left(listener.sessionId, listener.accountId);
      this.joined(listener);
    }
  }

  /** A visitor's client reconnected: it is told its rooms again (now if off, else with the next update). */
  rejoined(listener: VoiceListener): void {
    this.told.delete(listener.sessionId);
    this.joined(listener);
  }

  /** Recomputes (call every VOICE_EVERY_TICKS while active) and tells those whose rooms changed. */
  update(listeners: Iterable<VoiceListener>, world: StaticWorld): void {
    if (!this.active) return;
    const voiced = [...listeners].filter((l) => l.accountId !== null);
    const members = voiced.map((l) => ({ id: l.sessionId, x: l.body.x, y: l.body.y, z: l.body.z }));
    const assigned =
      this.settings.mode === 'global'
        ? new Map(
            members.map((m): [string, VoiceAssignment] => [m.id, { room: 'zone-global', kind: 'zone' }]),
          )
        : assignVoiceRooms(members, world.voiceZones, this.previous, this.backend!.params, () =>
            String(++this.nextIsland),
          );
    this.previous = assigned;
    const announce = announceRoomName(this.worldId, this.instance);
    for (const listener of voiced) {
      const { room: key, kind } = assigned.get(listener.sessionId)!;
      const talks = listener.mutedFor === null;
      const canPublish = talks && (kind !== 'stage' || listener.canModerate);
      const room: VoiceRoomGrant = {
        room: livekitRoomName(this.worldId, this.instance, key === 'zone-global' ? 'global' : key),
        kind,
        canPublish,
        sources: canPublish ? this.mediaSources() : ['microphone'],
      };
      this.tell(listener, {
        enabled: true,
        room,
        // Announcements are spoken: the microphone only.
        announce: {
          room: announce,
          kind: 'announce',
          canPublish: talks && listener.canModerate,
          sources: ['microphone'],
        },
      });
    }
  }

  /** A visitor left the instance: forget its assignment and take it out of its LiveKit rooms. */
  left(sessionId: string, accountId: string | null): void {
    const told = this.told.get(sessionId)?.event;
    this.told.delete(sessionId);
    this.previous.delete(sessionId);
    if (!this.backend || !told?.enabled || accountId === null) return;
    this.background(this.backend.assignments.delete(sessionId), 'forgetting a voice assignment');
    const identity = voiceIdentity(accountId, sessionId);
    for (const grant of [told.room, told.announce])
      this.background(this.backend.admin.remove(grant.room, identity), 'removing a visitor from voice', true);
  }

  /** What one who may talk may publish in this world. */
  private mediaSources(): VoiceSource[] {
    const sources: VoiceSource[] = ['microphone'];
    if (this.settings.allowCamera) sources.push('camera');
    if (this.settings.allowScreenShare) sources.push('screen_share');
    return sources;
  }

  private offReason(): string | undefined {
    if (!this.backend) return VOICE_NOT_CONFIGURED;
    if (this.settings.mode === 'off') return VOICE_OFF_IN_WORLD;
    return undefined;
  }

  private tell(listener: VoiceListener, event: VoiceEvent): void {
    const key = JSON.stringify(event);
    const before = this.told.get(listener.sessionId);
    if (before?.key === key) return;
    this.told.set(listener.sessionId, { event, key });
    if (event.enabled && this.backend && listener.accountId !== null) {
      // Recorded before the client hears of it, so its token request finds the new rooms.
      const stored = this.backend.assignments.set(listener.sessionId, {
        accountId: listener.accountId,
        worldId: this.worldId,
        instance: this.instance,
        room: event.room,
        announce: event.announce,
      });
      stored.then(
        () => listener.send(event),
        (error: unknown) => this.log().error({ err: error }, 'recording a voice assignment failed'),
      );
      if (before?.event.enabled) this.enforce(listener.accountId, listener.sessionId, before.event, event);
    } else listener.send(event);
  }

  /** Makes the LiveKit server agree with a changed assignment, whatever the client does. */
  private enforce(
    accountId: string,
    sessionId: string,
    before: Extract<VoiceEvent, { enabled: true }>,
    now: Extract<VoiceEvent, { enabled: true }>,
  ): void {
    const admin = this.backend!.admin;
    const identity = voiceIdentity(accountId, sessionId);
    for (const [old, next] of [
      [before.room, now.room],
      [before.announce, now.announce],
    ] as const) {
      if (old.room !== next.room)
        this.background(admin.remove(old.room, identity), 'leaving an old voice room', true);
      else if (old.canPublish !== next.canPublish || old.sources.join() !== next.sources.join())
        this.background(admin.setPermission(identity, next), 'changing voice permissions', true);
    }
  }

  /** Runs a LiveKit call without holding up the tick; "not found" (never connected there) is expected. */
  private background(call: Promise<unknown>, what: string, notFoundIsFine = false): void {
    call.catch((error: unknown) => {
      const status = (error as { status?: number }).status;
      if (notFoundIsFine && status === 404) return;
      this.log().warn({ err: error }, `voice: ${what} failed`);
    });
  }
}
