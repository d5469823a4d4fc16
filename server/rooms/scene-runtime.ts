/**
 * The published scene inside a running instance: its obstacles (for `step()`), spawn points and portals.
 * Loads the world's published version at start and each newly published one while running, swapping it in
 * between ticks — nobody is disconnected. Versions arriving out of order never replace a newer one.
 */
import type { Logger } from 'pino';
import {
  EMPTY_WORLD,
  bodyAt,
  buildStaticWorld,
  sceneFromAnySchema,
  type AvatarBody,
  type Portal,
  type StaticWorld,
} from '../../protocol/index.js';
import type { SceneVersionsRepository } from '../db/index.js';

/** Joiners appear on a ring this wide around their spawn point, in metres, so they do not stack. */
const SPAWN_RING_METRES = 2;
/** A portal catches avatars within its radius horizontally and this close vertically, in metres. */
const PORTAL_HEIGHT_REACH = 2;

export type PortalOutcome =
  | { kind: 'none' }
  | { kind: 'teleport'; to: AvatarBody }
  | { kind: 'other-world'; world: string; spawn: string };

export class SceneRuntime {
  /** What step() collides with. */
  world: StaticWorld = EMPTY_WORLD;
  /** The version applied now (0 = none published). */
  version = 0;
  /** The scene's nft-frames by entity id, and the one binding each is restricted to, if any. */
  get nftFrames(): ReadonlyMap<string, { binding: string | undefined }> {
    return new Map(this.world.frames.map((frame) => [frame.entity, frame]));
  }

  constructor(
    private readonly worldId: string,
    private readonly versions: SceneVersionsRepository,
    private readonly log: () => Logger,
  ) {}

  /** Loads and applies `version` unless a newer one is applied already. Returns whether it was applied. */
  async apply(version: number): Promise<boolean> {
    if (version <= this.version) return false;
    const body = await this.versions.body(this.worldId, version);
    if (body === undefined) {
      this.log().error({ version }, 'scene: published version not found; keeping the current one');
      return false;
    }
    return this.applyBody(version, body);
  }

  /**
   * A preview's scene: the saved draft, `version` being its revision. Applies it unless a newer revision is
   * applied already. Returns whether it was applied.
   */
  async applyDraft(): Promise<boolean> {
    const draft = await this.versions.draft(this.worldId);
    if (!draft) {
      this.log().error('scene: the world has no draft; keeping the current scene');
      return false;
    }
    return this.applyBody(draft.revision, draft.body);
  }

  private applyBody(version: number, body: string): boolean {
    if (version <= this.version) return false;
    const parsed = sceneFromAnySchema(JSON.parse(body));
    if (!parsed.ok) {
      this.log().error(
        { version, entity: parsed.entity, path: parsed.path, reason: parsed.reason },
        'scene: stored version is not a valid scene; keeping the current one',
      );
      return false;
    }
    if (version <= this.version) return false; // a newer one landed while this one loaded
    this.world = buildStaticWorld(parsed.scene);
    this.version = version;
    if (this.world.unsupported.length > 0)
      this.log().warn(
        { version, entities: this.world.unsupported },
        'scene: mesh colliders are not simulated yet; those entities do not block avatars',
      );
    return true;
  }

  /** Where the `index`-th joiner appears: on a ring around the named (or default) spawn point. */
  spawnBody(index: number, spawnName: string | undefined): AvatarBody {
    const spawn =
      (spawnName !== undefined ? this.world.spawns.find((s) => s.name === spawnName) : undefined) ??
      this.world.defaultSpawn;
    const angle = index * 2.399963; // golden angle, radians
    const body = bodyAt(
      (spawn?.x ?? 0) + Math.sin(angle) * SPAWN_RING_METRES,
      (spawn?.z ?? 0) + Math.cos(angle) * SPAWN_RING_METRES,
      spawn?.yaw ?? 0,
    );
    body.y = spawn?.y ?? 0;
    // Falls onto whatever is under the spawn point with its next input if it is in the air.
    return body;
  }

  /**
   * The portal `body` is in, if it just entered one (`inside` is the portal it was in before, so standing
   * in a portal — or arriving inside one — does not fire it again).
   */
  portalAt(body: AvatarBody): Portal | undefined {
    for (const portal of this.world.portals) {
      const dx = body.x - portal.x;
      const dz = body.z - portal.z;
      if (
        dx * dx + dz * dz <= portal.radius * portal.radius &&
        Math.abs(body.y - portal.y) <= PORTAL_HEIGHT_REACH
      )
        return portal;
    }
    return undefined;
  }

  /** What entering `portal` does: a teleport within this world, or a hand-over to another world. */
  outcomeOf(portal: Portal, currentWorldSlug: string): PortalOutcome {
    if (portal.world !== undefined && portal.world !== currentWorldSlug)
      return { kind: 'other-world', world: portal.world, spawn: portal.spawn };
    const spawn = this.world.spawns.find((s) => s.name === portal.spawn);
    if (!spawn) {
      this.log().warn(
        { portal: portal.entity, spawn: portal.spawn },
        'scene: portal names a missing spawn point',
      );
      return { kind: 'none' };
    }
    const to = bodyAt(spawn.x, spawn.z, spawn.yaw);
    to.y = spawn.y;
    return { kind: 'teleport', to };
  }
}
