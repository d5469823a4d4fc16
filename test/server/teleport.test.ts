/**
 * Teleporting (VR's locomotion): the shared decision (protocol/teleport.ts) and the room applying it — the
 * avatar lands exactly where asked when in reach and in sight, others see it arrive, and every refusal
 * says why and leaves the avatar where it was; a malformed request closes only its sender.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  MessageType,
  TELEPORT_RANGE,
  WORLD_HALF_EXTENT,
  bodyAt,
  buildStaticWorld,
  decideTeleport,
  type SceneV1DocumentInput,
  type TeleportRefusal,
} from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import { createOrg, createWorld, ok, registerAccount, replaceDraft, sdk } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { fromV1 } from '../helpers/scene-v1.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

/** Position quantum of movement frames, in metres. */
const QUANTUM = (2 * WORLD_HALF_EXTENT) / 65535;

const box = (id: string, position: [number, number, number], halfExtents: [number, number, number]) => ({
  id,
  transform: { position },
  components: [{ type: 'collider' as const, shape: { kind: 'box' as const, halfExtents } }],
});

/** A spawn at (0, -4); a 3 m wall along z = 2; a bench (0.45 m) and a 1 m stage east of the spawn. */
const YARD: SceneV1DocumentInput = {
  schema: 1,
  entities: [
    {
      id: 'spawn',
      transform: { position: [0, 0, -4] },
      components: [{ type: 'spawn-point', name: 'main', default: true }],
    },
    box('wall', [0, 1.5, 2], [20, 1.5, 0.1]),
    box('bench', [3, 0.225, -4], [0.3, 0.225, 1]),
    box('stage', [7, 0.5, -4], [1.5, 0.5, 1.5]),
  ],
};
const world = buildStaticWorld(fromV1(YARD));

describe('decideTeleport', () => {
  const here = bodyAt(0, -4);

  it('lands on the ground in reach, facing the way asked', () => {
    const outcome = decideTeleport(world, here, { x: -3, z: -6, yaw: 2 * Math.PI + 1 });
    expect(outcome).toEqual({ kind: 'teleport', to: { x: -3, y: 0, z: -6, yaw: expect.any(Number), vy: 0 } });
    expect(outcome.kind === 'teleport' && outcome.to.yaw).toBeCloseTo(1, 10);
  });

  it('looks over a bench but not through a wall', () => {
    expect(decideTeleport(world, here, { x: 5, z: -4, yaw: 0 }).kind).toBe('teleport');
    expect(decideTeleport(world, here, { x: 0, z: 4, yaw: 0 })).toEqual({
      kind: 'refused',
      reason: 'something tall is in the way; aim at a spot you can see',
    });
  });

  it('lands on a stage top within reach of the feet, never inside a collider', () => {
    expect(decideTeleport(world, here, { x: 7, z: -4, yaw: 0 })).toMatchObject({ to: { y: 1 } });
    expect(decideTeleport(world, here, { x: 0, z: 2, yaw: 0 })).toMatchObject({
      reason: 'something stands there; aim at open ground',
    });
  });

  it('refuses what is out of reach, outside the world, or not a point', () => {
    expect(decideTeleport(world, here, { x: 0, z: -4 - TELEPORT_RANGE - 0.5, yaw: 0 })).toEqual({
      kind: 'refused',
      reason: `that spot is 10.5 m away; a teleport reaches ${TELEPORT_RANGE} m`,
    });
    const edge = bodyAt(WORLD_HALF_EXTENT - 1, 0);
    expect(decideTeleport(world, edge, { x: WORLD_HALF_EXTENT + 2, z: 0, yaw: 0 })).toMatchObject({
      reason: 'that spot is outside the world; aim inside it',
    });
    expect(decideTeleport(world, here, { x: Number.NaN, z: 0, yaw: 0 })).toMatchObject({ kind: 'refused' });
  });
});

describe('teleporting in a running instance', () => {
  let server: RunningServer;
  const visitors: Visitor[] = [];

  beforeAll(async () => {
    server = await startInProcessServer();
    const owner = await registerAccount(server.url, 'Yard keeper');
    await createOrg(owner.api, 'yards', 'Yards');
    await createWorld(owner.api, 'yards', { slug: 'yard', name: 'Yard' });
    await replaceDraft(owner.api, 'yard', YARD);
    await ok(
      sdk.scenesPublish({ client: owner.api, path: { slug: 'yard' }, body: { message: 'yard' } }),
      201,
    );
  });
  afterEach(async () => {
    await Promise.all(visitors.splice(0).map((v) => v.leave().catch(() => undefined)));
  });
  afterAll(async () => server?.close());

  const join = async (name: string): Promise<Visitor> => {
    const visitor = await joinWorld(server.url, { world: 'yard', name });
    visitors.push(visitor);
    await waitFor(() => visitor.self(), Boolean, { what: `${name}'s own avatar` });
    return visitor;
  };

  it('moves the avatar exactly where asked, and those who see it see it arrive', async () => {
    const traveller = await join('Traveller');
    const watcher = await join('Watcher');
    await watcher.waitToSee(traveller);
    const start = traveller.self()!;
    const target = { x: start.x - 4, z: start.z - 3, yaw: 1 };
    traveller.room.send(MessageType.teleport, target);
    const arrived = await waitFor(
      () => traveller.self()!,
      (self) => Math.hypot(self.x - target.x, self.z - target.z) < 0.01,
      { what: 'the traveller at the target' },
    );
    expect(Math.abs(arrived.x - target.x)).toBeLessThanOrEqual(QUANTUM);
    expect(Math.abs(arrived.z - target.z)).toBeLessThanOrEqual(QUANTUM);
    await waitFor(
      () => watcher.avatars().get(traveller.sessionId),
      (seen) => !!seen && Math.hypot(seen.x - target.x, seen.z - target.z) < 0.01,
      { what: 'the watcher seeing the traveller arrive' },
    );
  });

  it('refuses a spot behind the wall, out of reach, or too soon after the last, saying why', async () => {
    const traveller = await join('Blocked');
    const refusals: string[] = [];
    traveller.room.onMessage(MessageType.teleportRefused, (refusal: TeleportRefusal) =>
      refusals.push(refusal.reason),
    );
    const start = traveller.self()!;
    traveller.room.send(MessageType.teleport, { x: start.x, z: 4, yaw: 0 });
    await waitFor(
      () => refusals.length,
      (n) => n === 1,
      { what: 'the wall refusal' },
    );
    traveller.room.send(MessageType.teleport, { x: start.x, z: start.z - 12, yaw: 0 });
    await waitFor(
      () => refusals.length,
      (n) => n === 2,
      { what: 'the reach refusal' },
    );
    expect(refusals[0]).toBe('teleport: something tall is in the way; aim at a spot you can see');
    expect(refusals[1]).toMatch(/^teleport: that spot is 12\.0 m away; a teleport reaches 10 m$/);
    expect(traveller.self()).toMatchObject({ x: start.x, z: start.z });

    traveller.room.send(MessageType.teleport, { x: start.x - 2, z: start.z, yaw: 0 });
    traveller.room.send(MessageType.teleport, { x: start.x - 1, z: start.z, yaw: 0 }); // the latest wins
    await waitFor(
      () => traveller.self()!,
      (self) => Math.abs(self.x - (start.x - 1)) < 0.01,
      {
        what: 'the first teleport',
      },
    );
    // Right after it, within a quarter second: refused.
    traveller.room.send(MessageType.teleport, { x: start.x - 3, z: start.z, yaw: 0 });
    await waitFor(
      () => refusals.length,
      (n) => n === 3,
      { what: 'the spacing refusal' },
    );
    expect(refusals[2]).toBe('teleport: one teleport a quarter second; aim again in a moment');
  });

  it('closes only the sender of a malformed request', async () => {
    const bystander = await join('Bystander');
    const sender = await join('Sender');
    sender.room.send(MessageType.teleport, { x: 'north', z: 0, yaw: 0 });
    await waitFor(
      () => sender.leftWith(),
      (code) => code !== undefined,
      { what: 'the sender closed' },
    );
    expect(sender.leftWith()).toBe(4002);
    const before = bystander.self()!;
    bystander.room.send(MessageType.teleport, { x: before.x + 1, z: before.z, yaw: 0 });
    await waitFor(
      () => bystander.self()!.x,
      (x) => Math.abs(x - (before.x + 1)) < 0.01,
      {
        what: 'the bystander still served',
      },
    );
    expect(bystander.leftWith()).toBeUndefined();
  });
});
