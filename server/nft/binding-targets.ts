/**
 * Where a binding may go: a frame binding on an nft-frame entity of a world's published scene (by the
 * world's editors or — on a frame marked `open` — by any visitor who may see the world); a key binding on a
 * locked portal whose key the token is.
 */
import { sceneEntities, sceneFromAnySchema } from '../../protocol/index.js';
import { Problem, type AccessService, type Principal } from '../control-plane/index.js';
import type { SceneVersionsRepository } from '../db/index.js';

export interface BindingTarget {
  worldId: string;
  /** The nft-frame's entity id. */
  entity: string;
}

export interface KeyToken {
  chainId: number;
  contract: string;
  tokenId: bigint;
}

export class BindingTargets {
  constructor(
    private readonly access: AccessService,
    private readonly scenes: SceneVersionsRepository,
  ) {}

  /** The world (readable by `principal`) and its published scene's entities. */
  private async published(principal: Principal, slug: string) {
    const world = await this.access.world(principal, slug, 'world.read');
    const body =
      world.published_version === null
        ? undefined
        : await this.scenes.body(world.id, world.published_version);
    const read = body ? sceneFromAnySchema(JSON.parse(body)) : undefined;
    if (read && !read.ok)
      throw new Problem(
        409,
        'conflict',
        `world "${slug}"'s published scene cannot be read (${read.reason}); publish a fixed draft first`,
      );
    return { world, entities: read ? sceneEntities(read.scene) : [] };
  }

  /** A locked portal `token` opens: the key's contract (and token, if the portal names one) must match. */
  async portal(principal: Principal, slug: string, entity: string, token: KeyToken): Promise<BindingTarget> {
    const { world, entities } = await this.published(principal, slug);
    const locked = entities.flatMap((candidate) => {
      const key = candidate.components.portal?.key;
      return key ? [{ id: candidate.id, key }] : [];
    });
    const found = locked.find((portal) => portal.id === entity);
    if (!found)
      throw Problem.badRequest(
        `world "${slug}" has no locked portal "${entity}" in its published scene; its locked portals: ${locked.map((portal) => portal.id).join(', ') || 'none'}`,
      );
    const { key } = found;
    if (
      key.chainId !== token.chainId ||
      key.contract.toLowerCase() !== token.contract.toLowerCase() ||
      (key.tokenId !== undefined && BigInt(key.tokenId) !== token.tokenId)
    )
      throw Problem.badRequest(
        `portal "${entity}" opens with ${key.tokenId === undefined ? 'a token' : `token ${key.tokenId}`} of ${key.contract} on chain ${key.chainId}; this token is not one`,
      );
    return { worldId: world.id, entity };
  }

  async frame(principal: Principal, slug: string, entity: string): Promise<BindingTarget> {
    const { world, entities } = await this.published(principal, slug);
    const frames = entities.flatMap((candidate) => {
      const frame = candidate.components['nft-frame'];
      return frame ? [{ id: candidate.id, frame }] : [];
    });
    const found = frames.find((frame) => frame.id === entity);
    if (!found)
      throw Problem.badRequest(
        `world "${slug}" has no nft-frame "${entity}" in its published scene; its frames: ${frames.map((frame) => frame.id).join(', ') || 'none'}`,
      );
    if (!found.frame.open && !(await this.access.decideWorld(principal, world, 'scene.write')).allowed)
      throw Problem.forbidden(
        `frame "${entity}" of world "${slug}" is for the world's editors; ask one to mark it open, or use an open frame`,
      );
    return { worldId: world.id, entity };
  }
}
