/**
 * Who may join a world instance, decided by the same authentication and policy as the REST API, plus the
 * organization's peak-concurrency quota. Runs in the room's static onAuth (before a seat is reserved).
 */
import { ServerError } from '@colyseus/core';
import type { AccessService, Authenticator, ModerationService, Principal } from '../control-plane/index.js';
import { Problem } from '../control-plane/index.js';
import type { EntryGates } from './nft-ports.js';
import type { World } from '../db/index.js';
import { RecentReads } from './recent-reads.js';
import type { InstanceDirectory } from '../control-plane/index.js';

/** What onAuth hands to onJoin (as client.auth). */
export interface Admitted {
  /** The joining account; null for anonymous visitors (public and unlisted worlds only). */
  accountId: string | null;
  /** The account's display name, which wins over the join option's name. */
  displayName: string | null;
  /** Why the account may not chat in this world, if a moderator muted it. */
  mutedFor: string | null;
  /** Whether it may moderate the world (talks on stages and in announcements). */
  canModerate: boolean;
  /** Who it is, for acting on its behalf later (moderation from the room). Server-side only. */
  principal: Principal;
}

/**
 * How old the world and organization rows a join is decided on may be, in ms: a world made private, a
 * token gate set or a quota lowered applies to joins at most this much later. Bans, roles, mutes and the
 * wallets' holdings are read fresh for every join.
 */
export const ADMISSION_READ_TTL_MS = 1_000;

export class JoinAdmission {
  private readonly worlds = new RecentReads<World>(ADMISSION_READ_TTL_MS);
  private readonly orgs = new RecentReads<{ slug: string; quota_peak_ccu: number }>(ADMISSION_READ_TTL_MS);

  constructor(
    private readonly authenticator: Authenticator,
    private readonly access: AccessService,
    private readonly instances: InstanceDirectory,
    private readonly moderation: ModerationService,
    /** World token gates (checked after the policy, failing closed); undefined on servers without chains. */
    private readonly gates?: EntryGates,
  ) {}

  /**
   * A preview of the world's draft: only its editors (scene.read-draft) — no quota (previews are not
   * visits) and no token gate (editors test the world as they build it).
   */
  async admitEditor(token: string | undefined, slug: string, origin: string | undefined): Promise<Admitted> {
    try {
      const principal: Principal = await this.authenticator.authenticate(token || undefined, origin);
      if (principal.kind === 'anonymous')
        throw Problem.unauthenticated(`previews of "${slug}" are for its editors; sign in as one`);
      const world = await this.access.world(principal, slug, 'scene.read-draft');
      const moderate = await this.access.decideWorld(principal, world, 'world.moderate');
      return {
        accountId: principal.accountId,
        displayName: principal.kind === 'account' ? principal.displayName : null,
        mutedFor: null,
        canModerate: moderate.allowed,
        principal,
      };
    } catch (error) {
      if (error instanceof Problem) throw new ServerError(error.getStatus(), `preview: ${error.message}`);
      throw error;
    }
  }

  async admit(token: string | undefined, slug: string, origin: string | undefined): Promise<Admitted> {
    try {
      const principal: Principal = await this.authenticator.authenticate(token || undefined, origin);
      const world = await this.worlds.read(slug, () => this.access.worldRow(slug));
      await this.access.checkWorld(principal, world, 'world.join');
      const org = await this.orgs.read(world.org_id, () => this.access.orgQuotaOf(world.org_id));
      const concurrent = await this.instances.byOrg(world.org_id);
      if (concurrent >= org.quota_peak_ccu)
        throw Problem.quota(
          429,
          'peak_ccu',
          `organization "${org.slug}" has ${concurrent} visitors, its limit of concurrent visitors; try again later`,
          org.quota_peak_ccu,
        );
      const accountId = principal.kind === 'anonymous' ? null : principal.accountId;
      const gate = await this.gates?.decide(world, accountId);
      if (gate && !gate.allowed) throw new ServerError(gate.status, `join: ${gate.reason}`);
      const mute = accountId ? await this.moderation.activeMute(world.id, accountId) : undefined;
      const moderate = accountId
        ? await this.access.decideWorld(principal, world, 'world.moderate')
        : undefined;
      return {
        accountId,
        displayName: principal.kind === 'account' ? principal.displayName : null,
        mutedFor: mute?.reason ?? null,
        canModerate: moderate?.allowed ?? false,
        principal,
      };
    } catch (error) {
      if (error instanceof Problem) throw new ServerError(error.getStatus(), `join: ${error.message}`);
      throw error;
    }
  }
}
