/**
 * Where a frame binding may go: an nft-frame entity of a world's published scene, by the world's editors
 * or — on a frame marked `open` — by any visitor who may see the world.
 */
import { sceneDocumentSchema } from '../../protocol/index.js';
import { Problem, type AccessService, type Principal } from '../control-plane/index.js';
import type { SceneVersionsRepository } from '../db/index.js';

export interface BindingTarget {
  worldId: string;
  /** The nft-frame's entity id. */
  entity: string;
}

export class BindingTargets {
  constructor(
    private readonly access: AccessService,
    private readonly scenes: SceneVersionsRepository,
  ) {}

  async frame(principal: Principal, slug: string, entity: string): Promise<BindingTarget> {
    const world = await this.access.world(principal, slug, 'world.read');
    const body =
      world.published_version === null
        ? undefined
        : await this.scenes.body(world.id, world.published_version);
    const scene = body ? sceneDocumentSchema.parse(JSON.parse(body)) : undefined;
    const frames = (scene?.entities ?? []).flatMap((candidate) =>
      candidate.components.flatMap((component) =>
        component.type === 'nft-frame' ? [{ id: candidate.id, frame: component }] : [],
      ),
    );
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
