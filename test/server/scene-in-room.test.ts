/**
 * The published scene inside running instances: visitors appear at its spawn point, cannot pass its
 * colliders (ending exactly where step() replays their acknowledged inputs against the same scene), a newly
 * published version applies to a running instance without disconnecting anyone, and portals teleport or
 * hand over to another world.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AVATAR_RADIUS,
  CARRY_DISTANCE,
  CARRY_HEIGHT,
  MessageType,
  RUN_SPEED,
  STEP_SECONDS,
  WORLD_HALF_EXTENT,
  bodyAt,
  buildStaticWorld,
  carriedPose,
  step,
  type InteractionEvent,
  type InteractionRefusal,
  type MoveInput,
  type PortalEvent,
  type SceneV1DocumentInput,
  type StaticWorld,
} from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import {
  createOrg,
  createWorld,
  ok,
  registerAccount,
  sdk,
  type SignedIn,
  replaceDraft,
} from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { Client } from '@colyseus/sdk';
import { drive, joinWorld, walkTowards as walk, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';
import { fromV1 } from '../helpers/scene-v1.js';

/** Position quantum of movement frames, in metres. */
const QUANTUM = (2 * WORLD_HALF_EXTENT) / 65535;

const WALLED: SceneV1DocumentInput = {
  schema: 1,
  entities: [
    {
      id: 'spawn',
      transform: { position: [0, 0, -4] },
      components: [{ type: 'spawn-point', name: 'main', default: true }],
    },
    {
      id: 'wall',
      transform: { position: [0, 1.5, 2] },
      components: [{ type: 'collider', shape: { kind: 'box', halfExtents: [20, 1.5, 0.1] } }],
    },
    { id: 'far', transform: { position: [30, 0, 30] }, components: [{ type: 'spawn-point', name: 'far' }] },
    {
      id: 'gate',
      transform: { position: [-10, 0, -4] },
      components: [{ type: 'portal', spawn: 'far', radius: 1 }],
    },
    {
      id: 'exit',
      transform: { position: [10, 0, -4] },
      components: [{ type: 'portal', world: 'elsewhere', spawn: 'arrival', radius: 1 }],
    },
  ],
};
const LOUNGE: SceneV1DocumentInput = {
  schema: 1,
  entities: [
    {
      id: 'spawn',
      transform: { position: [0, 0, 0] },
      components: [{ type: 'spawn-point', name: 'main', default: true }],
    },
    {
      id: 'bench',
      transform: { position: [0, 0.5, 3] },
      components: [{ type: 'interactable', action: 'sit', reach: 1.5 }],
    },
    {
      id: 'lever',
      transform: { position: [3, 0, 0] },
      components: [{ type: 'interactable', action: 'trigger', reach: 6 }],
    },
    {
      id: 'vase',
      transform: { position: [-3, 0, 0] },
      components: [{ type: 'interactable', action: 'grab', reach: 1.5 }],
    },
    {
      id: 'table',
      transform: { position: [-3, 0.4, 6] },
      components: [{ type: 'collider', shape: { kind: 'box', halfExtents: [1, 0.4, 1] } }],
    },
  ],
};
const OPEN: SceneV1DocumentInput = { schema: 1, entities: WALLED.entities.filter((e) => e.id !== 'wall') };

let server: RunningServer;
let owner: SignedIn;
const visitors: Visitor[] = [];
let seq = 0;

async function publish(slug: string, scene: SceneV1DocumentInput): Promise<number> {
  await replaceDraft(owner.api, slug, scene);
  return (await ok(sdk.scenesPublish({ client: owner.api, path: { slug }, body: { message: 'scene' } }), 201))
    .version;
}

/** Walks `visitor` toward `target` until `done()` (see helpers/visitors.ts). */
const walkTowards = (visitor: Visitor, target: { x: number; z: number }, done: () => boolean) =>
  walk(visitor, target, done, () => ++seq);

const inputs = (n: number, input: Omit<MoveInput, 'seq'>): MoveInput[] =>
  Array.from({ length: n }, () => ({ ...input, seq: ++seq }));

beforeAll(async () => {
  server = await startInProcessServer();
  owner = await registerAccount(server.url, 'Builder');
  await createOrg(owner.api, 'builders', 'Builders');
  for (const slug of ['walled', 'portals', 'lounge', 'elsewhere'])
    await createWorld(owner.api, 'builders', { slug, name: slug });
  await publish('walled', WALLED);
  await publish('portals', WALLED);
  await publish('lounge', LOUNGE);
});

afterEach(async () => {
  await Promise.all(visitors.splice(0).map((v) => v.leave().catch(() => undefined)));
});
afterAll(async () => server?.close());

describe('the published scene in a running instance', () => {
  it('spawns at the spawn point and stops at a collider exactly where step() replays the inputs', async () => {
    const visitor = await joinWorld(server.url, { world: 'walled' });
    visitors.push(visitor);
    const start = await waitFor(() => visitor.self(), Boolean, { what: 'own avatar' });
    expect(Math.hypot(start!.x - 0, start!.z - -4)).toBeCloseTo(2, 2); // on the ring around the spawn point
    const run = inputs(60, { x: 0.2, z: 1, run: true });
    await drive(visitor, run);
    const world: StaticWorld = buildStaticWorld(fromV1(WALLED));
    const expected = bodyAt(start!.x, start!.z, start!.yaw);
    for (const input of run) step(expected, input, STEP_SECONDS, world);
    const seen = visitor.self()!;
    expect(Math.abs(seen.x - expected.x)).toBeLessThanOrEqual(QUANTUM * 2);
    expect(Math.abs(seen.z - expected.z)).toBeLessThanOrEqual(QUANTUM * 2);
    expect(seen.z).toBeLessThan(2 - 0.1 - AVATAR_RADIUS + QUANTUM * 2); // at the wall, not through it
    // No tick moved it more than run speed × dt (frames carry every tick's position at this distance).
    for (let i = 1; i < visitor.track.length; i++) {
      const a = visitor.track[i - 1]!;
      const b = visitor.track[i]!;
      const perTick = Math.hypot(b.x - a.x, b.z - a.z) / Math.max(1, b.tick - a.tick);
      expect(perTick).toBeLessThanOrEqual(RUN_SPEED * STEP_SECONDS + QUANTUM * 3);
    }
  });

  it('applies a newly published version to the running instance without disconnecting anyone', async () => {
    const visitor = await joinWorld(server.url, { world: 'walled' });
    visitors.push(visitor);
    await waitFor(() => visitor.self(), Boolean, { what: 'own avatar' });
    await drive(visitor, inputs(60, { x: 0, z: 1, run: true }));
    expect(visitor.self()!.z).toBeLessThan(2);
    const version = await publish('walled', OPEN);
    await waitFor(
      () => (visitor.room.state as { sceneVersion: number }).sceneVersion,
      (v) => v === version,
      {
        what: 'the new version to be applied',
      },
    );
    await drive(visitor, inputs(20, { x: 0, z: 1, run: true }));
    expect(visitor.self()!.z).toBeGreaterThan(3); // the wall is gone
    expect(visitor.leftWith()).toBeUndefined();
    await publish('walled', WALLED); // leave the world as the other tests expect it
  });

  it('teleports through a portal to a spawn point of the same world', async () => {
    const visitor = await joinWorld(server.url, { world: 'portals', spawn: 'main' });
    visitors.push(visitor);
    await waitFor(() => visitor.self(), Boolean, { what: 'own avatar' });
    await walkTowards(
      visitor,
      { x: -10, z: -4 },
      () => Math.hypot(visitor.self()!.x - 30, visitor.self()!.z - 30) < 2.5,
    );
    const arrived = visitor.self()!;
    expect(Math.hypot(arrived.x - 30, arrived.z - 30)).toBeLessThan(0.01); // exactly at "far"
  });

  it('hands a visitor over to another world through its portal', async () => {
    const visitor = await joinWorld(server.url, { world: 'portals' });
    visitors.push(visitor);
    const events: PortalEvent[] = [];
    visitor.room.onMessage(MessageType.portal, (event: PortalEvent) => events.push(event));
    await waitFor(() => visitor.self(), Boolean, { what: 'own avatar' });
    await walkTowards(visitor, { x: 10, z: -4 }, () => events.length > 0);
    expect(events).toEqual([{ world: 'elsewhere', spawn: 'arrival' }]);
  });

  it('lets an invite link (joinById) into the same world’s instance, never into another world’s', async () => {
    const host = await joinWorld(server.url, { world: 'lounge', name: 'Host' });
    visitors.push(host);
    const invited = await new Client(server.url).joinById(host.room.roomId, {
      world: 'lounge',
      name: 'Friend',
      color: '#22aa66',
    });
    expect(invited.roomId).toBe(host.room.roomId);
    await invited.leave();
    // Admitted as a visitor of "walled" (onAuth reads the options), it must not land in the lounge.
    await expect(
      new Client(server.url).joinById(host.room.roomId, { world: 'walled', name: 'Sneak', color: '#aa2266' }),
    ).rejects.toMatchObject({
      code: 403,
      message: expect.stringMatching(/this instance runs world "lounge", not "walled"/),
    });
  });
});

describe('using scene items', () => {
  it('checks reach and the item on the server, seats one visitor per seat, stands up on moving, announces triggers', async () => {
    const sitter = await joinWorld(server.url, { world: 'lounge', name: 'Sitter' });
    const other = await joinWorld(server.url, { world: 'lounge', name: 'Other' });
    visitors.push(sitter, other);
    const refusals: InteractionRefusal[] = [];
    const seen: InteractionEvent[] = [];
    sitter.room.onMessage(MessageType.interactionRefused, (r: InteractionRefusal) => refusals.push(r));
    other.room.onMessage(MessageType.interactionRefused, (r: InteractionRefusal) => refusals.push(r));
    other.room.onMessage(MessageType.interaction, (e: InteractionEvent) => seen.push(e));
    await other.waitToSee(sitter);

    // Too far (spawned 2 m from the origin, the bench is at 3 m; the vase 3 m the other way), not an item.
    await walkTowards(sitter, { x: 0, z: -3 }, () => sitter.self()!.z < -1.5);
    // One request per tick is applied (the latest wins), so each is awaited.
    for (const entity of ['bench', 'spawn', 'vase']) {
      const before = refusals.length;
      sitter.room.send(MessageType.interact, { entity });
      await waitFor(
        () => refusals.length,
        (n) => n > before,
        { what: `the refusal for ${entity}` },
      );
    }
    expect(refusals.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^interact: "bench" is \d+\.\d m away; come within 1\.5 m$/),
      expect.stringMatching(/^interact: "spawn" is not something you can use/),
      expect.stringMatching(/^interact: "vase" is \d+\.\d m away; come within 1\.5 m$/),
    ]);

    // Near the bench: sits, snapped onto it; others see the seat taken.
    await walkTowards(sitter, { x: 0, z: 2.5 }, () => Math.hypot(sitter.self()!.x, sitter.self()!.z - 3) < 1);
    sitter.room.send(MessageType.interact, { entity: 'bench' });
    await waitFor(
      () => other.avatars().get(sitter.sessionId)?.seat,
      (seat) => seat === 'bench',
      { what: 'seated' },
    );
    await waitFor(
      () => sitter.self(),
      (me) => !!me && Math.abs(me.z - 3) < 0.01 && Math.abs(me.y - 0.5) < 0.01,
      {
        what: 'the sitter on the bench',
      },
    );
    expect(seen).toContainEqual({ by: sitter.sessionId, entity: 'bench', action: 'sit' });
    await walkTowards(
      other,
      { x: 0.5, z: 2.5 },
      () => Math.hypot(other.self()!.x, other.self()!.z - 3) < 1.4,
    );
    other.room.send(MessageType.interact, { entity: 'bench' });
    await waitFor(
      () => refusals.at(-1)?.reason ?? '',
      (r) => r.includes('already sitting'),
      { what: 'seat taken' },
    );

    // Moving stands the sitter up; the lever announces its use to those who see the visitor.
    sitter.sendInput({ seq: ++seq, x: 1, z: 0, run: false });
    await waitFor(
      () => other.avatars().get(sitter.sessionId)?.seat,
      (s) => s === '',
      { what: 'standing again' },
    );
    expect(seen).toContainEqual({ by: sitter.sessionId, entity: 'bench', action: 'stand' });
    sitter.room.send(MessageType.interact, { entity: 'lever' });
    await waitFor(() => seen.some((e) => e.action === 'trigger'), Boolean, { what: 'the trigger' });
    expect(seen.at(-1)).toEqual({ by: sitter.sessionId, entity: 'lever', action: 'trigger' });
    expect(sitter.leftWith()).toBeUndefined();
  });
});

describe('movable items', () => {
  it('are picked up within reach, carried in front of their holder, put down on a surface, one holder at a time', async () => {
    const carrier = await joinWorld(server.url, { world: 'lounge', name: 'Carrier' });
    const watcher = await joinWorld(server.url, { world: 'lounge', name: 'Watcher' });
    visitors.push(carrier, watcher);
    const refusals: InteractionRefusal[] = [];
    const seen: InteractionEvent[] = [];
    watcher.room.onMessage(MessageType.interactionRefused, (r: InteractionRefusal) => refusals.push(r));
    carrier.room.onMessage(MessageType.interactionRefused, (r: InteractionRefusal) => refusals.push(r));
    watcher.room.onMessage(MessageType.interaction, (e: InteractionEvent) => seen.push(e));
    await watcher.waitToSee(carrier);
    const vase = await waitFor(() => watcher.items().get('vase'), Boolean, { what: 'the vase in view' });
    expect(vase).toMatchObject({ heldBy: '' });
    expect(Math.hypot(vase!.x - -3, vase!.z - 0)).toBeLessThan(0.01); // where the scene puts it

    await walkTowards(
      carrier,
      { x: -3, z: -1 },
      () => Math.hypot(carrier.self()!.x + 3, carrier.self()!.z) < 1.2,
    );
    carrier.room.send(MessageType.interact, { entity: 'vase' });
    await waitFor(
      () => watcher.items().get('vase')?.heldBy,
      (by) => by === carrier.sessionId,
      { what: 'the vase carried' },
    );
    expect(seen).toContainEqual({ by: carrier.sessionId, entity: 'vase', action: 'grab' });

    // Nobody else takes it; the carrier uses nothing else while carrying.
    await walkTowards(
      watcher,
      { x: -2, z: -1 },
      () => Math.hypot(watcher.self()!.x + 3, watcher.self()!.z) < 1.4,
    );
    watcher.room.send(MessageType.interact, { entity: 'vase' });
    await waitFor(() => refusals.some((r) => r.reason.includes('already carrying')), Boolean, {
      what: 'taken',
    });
    carrier.room.send(MessageType.interact, { entity: 'lever' });
    await waitFor(() => refusals.some((r) => r.reason.includes('you are carrying "vase"')), Boolean, {
      what: 'busy hands',
    });

    // Carried: in front of the holder at hand height, wherever it goes.
    await walkTowards(carrier, { x: -3, z: 6 }, () => carrier.self()!.z > 4.5);
    const holder = carrier.self()!;
    const expected = carriedPose(bodyAt(holder.x, holder.z, holder.yaw), { x: 0, y: 0, z: 0, yaw: 0 });
    const carried = await waitFor(
      () => watcher.items().get('vase'),
      (item) => !!item && Math.hypot(item.x - expected.x, item.z - expected.z) < 0.01,
      { what: 'the vase following its holder' },
    );
    expect(carried!.y).toBeCloseTo(CARRY_HEIGHT, 2);

    // Put down facing the table (top at 0.8 m, below the hands): it rests on the table top.
    carrier.room.send(MessageType.interact, { entity: 'vase' });
    const rested = await waitFor(
      () => watcher.items().get('vase'),
      (item) => item?.heldBy === '',
      { what: 'the vase put down' },
    );
    const facing = carrier.self()!;
    expect(rested!.y).toBeCloseTo(0.8, 2);
    expect(Math.hypot(rested!.x - facing.x, rested!.z - facing.z)).toBeCloseTo(CARRY_DISTANCE, 1);
    // The drop names where the item rests, as the state does (before it is stored).
    const drop = seen.find((e) => e.action === 'drop');
    expect(drop).toMatchObject({ by: carrier.sessionId, entity: 'vase', action: 'drop' });
    expect(Math.hypot(drop!.pose!.x - rested!.x, drop!.pose!.z - rested!.z)).toBeLessThan(0.01);
    expect(drop!.pose!.y).toBeCloseTo(rested!.y, 2);
    expect(carrier.leftWith()).toBeUndefined();
    expect(watcher.leftWith()).toBeUndefined();
  });

  it('are put down where their holder stood when it leaves', async () => {
    const carrier = await joinWorld(server.url, { world: 'lounge', name: 'Leaver' });
    const watcher = await joinWorld(server.url, { world: 'lounge', name: 'Watcher' });
    visitors.push(watcher);
    const start = await waitFor(() => watcher.items().get('vase'), Boolean, { what: 'the vase in view' });
    await walkTowards(
      carrier,
      start!,
      () => Math.hypot(carrier.self()!.x - start!.x, carrier.self()!.z - start!.z) < 1.2,
    );
    carrier.room.send(MessageType.interact, { entity: 'vase' });
    await waitFor(
      () => watcher.items().get('vase')?.heldBy,
      (by) => by === carrier.sessionId,
      { what: 'carried' },
    );
    const last = carrier.self()!;
    await carrier.leave();
    const left = await waitFor(
      () => watcher.items().get('vase'),
      (item) => item?.heldBy === '',
      {
        what: 'the vase dropped by the leaver',
      },
    );
    expect(Math.hypot(left!.x - last.x, left!.z - last.z)).toBeLessThan(0.01);
  });
});
