/** The editor room's contract with the rest of the server, and who may join it (the REST API's policy). */
import { ServerError } from '@colyseus/core';
import type { Logger } from 'pino';
import type { AccessService, Authenticator, Principal } from '../../control-plane/index.js';
import { Problem } from '../../control-plane/index.js';
import type { World, WorldsRepository } from '../../db/index.js';
import type { InstanceLock } from '../instances/instance-lock.js';
import type { LiveDraftStore } from './live-draft-store.js';

/** What onAuth hands to onJoin (as client.auth). */
export interface EditorAdmitted {
  accountId: string;
  displayName: string;
  canEdit: boolean;
  /** Server-side only: who it is, to decide again when roles change. */
  principal: Principal;
}

export interface EditorRoomDeps {
  worlds: WorldsRepository;
  admission: EditorAdmission;
  store: LiveDraftStore;
  /** The one-room-per-draft lease (the instance lock: number 1 of key `editor:<world id>`). */
  lock: InstanceLock;
  logger: Logger;
}

export class EditorAdmission {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly access: AccessService,
  ) {}

  /** A signed-in editor of the world (scene.write), as the REST API decides it. */
  async admit(token: string | undefined, slug: string, origin: string | undefined): Promise<EditorAdmitted> {
    try {
      const principal = await this.authenticator.authenticate(token || undefined, origin);
      if (principal.kind !== 'account')
        throw Problem.unauthenticated(`the live draft of "${slug}" is for its editors; sign in as one`);
      await this.access.world(principal, slug, 'scene.write');
      return { accountId: principal.accountId, displayName: principal.displayName, canEdit: true, principal };
    } catch (error) {
      if (error instanceof Problem) throw new ServerError(error.getStatus(), `editor: ${error.message}`);
      throw error;
    }
  }

  /** Whether the editor may still edit `world` (roles change while the studio is open), and why not. */
  async recheck(admitted: EditorAdmitted, world: World): Promise<{ canEdit: boolean; reason: string }> {
    const decision = await this.access.decideWorld(admitted.principal, world, 'scene.write');
    if (decision.allowed) return { canEdit: true, reason: '' };
    const { worldRole } = await this.access.relation(admitted.accountId, world);
    return {
      canEdit: false,
      // The studio's own words when it finds the same over REST (use-draft-session.ts).
      reason: `your role in this world is now ${worldRole ?? 'none'}; only owners and editors may edit it — ask an owner`,
    };
  }
}
