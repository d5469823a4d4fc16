/**
 * Two server processes sharing Redis (presence + room listings) and PostgreSQL: a visitor who matchmakes
 * through process A is seated in the room that process B hosts, and connects to B directly.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@colyseus/sdk';
import { RoomName } from '../../protocol/index.js';
import { createPostgresSchema, createRedisDatabase, type PostgresSchema } from '../helpers/services.js';
import { startSharedServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { wrapRoom, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';
import {
  apiClient,
  createOrg,
  createWorld,
  grantWorldRoles,
  registerAccount,
  replaceDraft,
} from '../helpers/api.js';

const apiOn = (through: ServerProcess, token: string) => apiClient(through.url, token);
import { LiveDraftSession } from '../../client/src/apps/studio/live/live-draft-session.js';

let schema: PostgresSchema;
let a: ServerProcess;
let b: ServerProcess;
const visitors: Visitor[] = [];

const startProcess = (redisUrl: string): Promise<ServerProcess> =>
  startSharedServerProcess(schema.url, redisUrl, { WORLD_CAPACITY: '2' });

beforeAll(async () => {
  schema = await createPostgresSchema();
  const redisUrl = await createRedisDatabase();
  b = await startProcess(redisUrl);
  a = await startProcess(redisUrl);
});

afterAll(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
  await Promise.all([a?.stop(), b?.stop()]);
  await schema?.drop();
});

interface Reservation {
  roomId: string;
  sessionId: string;
  publicAddress?: string;
}

async function matchmake(through: ServerProcess, name: string): Promise<Reservation> {
  const response = await fetch(`${through.url}/matchmake/joinOrCreate/${RoomName.world}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ world: 'demo', name, color: '#abcdef' }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Reservation;
}

const seat = async (through: ServerProcess, reservation: Reservation): Promise<Visitor> => {
  const visitor = await wrapRoom(await new Client(through.url).consumeSeatReservation(reservation as never));
  visitors.push(visitor);
  return visitor;
};

describe('two processes sharing Redis', () => {
  it('seat a visitor who matchmakes on one process in the room hosted by the other', async () => {
    // The matchmaker places a new room on the least-loaded process; find out which one got it.
    const hostReservation = await matchmake(a, 'Host');
    const hostingProcess = [a, b].find((p) => hostReservation.publicAddress === `127.0.0.1:${p.port}`);
    expect(hostingProcess).toBeDefined();
    const otherProcess = hostingProcess === a ? b : a;
    const host = await seat(hostingProcess!, hostReservation);

    const guestReservation = await matchmake(otherProcess, 'Guest');
    expect(guestReservation.roomId).toBe(host.room.roomId);
    expect(guestReservation.publicAddress).toBe(`127.0.0.1:${hostingProcess!.port}`);

    // The SDK connects to the reservation's public address, i.e. straight to the hosting process.
    const guest = await seat(otherProcess, guestReservation);
    expect(guest.room.roomId).toBe(host.room.roomId);
    expect(await host.waitToSee(guest)).toMatchObject({ name: 'Guest', color: '#abcdef' });
    expect(guest.avatars().get(host.sessionId)).toMatchObject({ name: 'Host' });
  });

  it('overflow a full instance into a second one, listed with its population on every process', async () => {
    // The first test left two visitors in instance 1, which holds two: the next one starts instance 2.
    const third = await matchmake(a, 'Third');
    const thirdVisitor = await seat(a, third);
    const listed = await waitFor(
      async () =>
        (await (await fetch(`${b.url}/worlds/demo/instances`)).json()) as {
          instances: Array<{ instance: number; roomId: string; clients: number }>;
          population: number;
        },
      (body) => body.population === 3,
      { what: 'three visitors listed' },
    );
    expect(listed.instances.map(({ instance, clients }) => ({ instance, clients }))).toEqual([
      { instance: 1, clients: 2 },
      { instance: 2, clients: 1 },
    ]);
    expect(listed.instances[1]!.roomId).toBe(thirdVisitor.room.roomId);

    // An invite link: join that instance by its room id, from the other process.
    const friend = await wrapRoom(
      await new Client(b.url).joinById(thirdVisitor.room.roomId, {
        world: 'demo',
        name: 'Friend',
        color: '#123456',
      }),
    );
    visitors.push(friend);
    expect(friend.room.roomId).toBe(thirdVisitor.room.roomId);
    expect((await fetch(`${a.url}/worlds/nowhere/instances`)).status).toBe(404);
  });

  it('report presence through Redis in /readyz on both processes', async () => {
    for (const process of [a, b]) {
      const res = await fetch(`${process.url}/readyz`);
      expect(await res.json()).toEqual({
        status: 'ready',
        checks: { accepting: 'ok', database: 'ok', presence: 'ok' },
      });
    }
  });

  it('keep one live editor room per draft, and turn a studio read-only when its role changes on the other process', async () => {
    const owner = await registerAccount(a.url, 'Owner');
    const editor = await registerAccount(b.url, 'Editor');
    await createOrg(owner.api, 'duo', 'Duo');
    await createWorld(owner.api, 'duo', { slug: 'duo-draft', name: 'Duo draft' });
    await grantWorldRoles(owner.api, 'duo-draft', [[editor, 'editor']]);
    await replaceDraft(owner.api, 'duo-draft', {
      schema: 2,
      entities: { crate: { order: 'a0', transform: { position: [0, 0, 0] }, components: {} } },
    });
    const studio = (through: ServerProcess, token: string) =>
      new LiveDraftSession({ endpoint: through.url, slug: 'duo-draft', token: () => Promise.resolve(token) });
    // Both at once, through different processes: one room (the other process's create loses the lease).
    const [onA, onB] = [studio(a, owner.token), studio(b, editor.token)];
    await Promise.all([onA.open(), onB.open()]);
    const roomOf = (s: LiveDraftSession) => (s as unknown as { room: { roomId: string } }).room.roomId;
    expect(roomOf(onA)).toBe(roomOf(onB));
    onA.run({
      label: 'move',
      forward: [{ op: 'replace', path: '/entities/crate/transform/position', value: [4, 0, 0] }],
      backward: [],
    });
    await waitFor(
      () => onB.scene.entities['crate']?.transform.position[0],
      (x) => x === 4,
      {
        what: 'B to see A’s move',
      },
    );
    // The role changes through process B's API; the room may live on either process.
    await grantWorldRoles(apiOn(b, owner.token), 'duo-draft', [[editor, 'visitor']]);
    await waitFor(
      () => onB.state.kind,
      (kind) => kind === 'read-only',
      { what: 'B read-only' },
    );
    await Promise.all([onA.close(), onB.close()]);
  });
});
