/**
 * Several live instances of one world (capacity 1 per instance here): the world's saved state is shared,
 * so presses acknowledged in any instance all count, and none overwrites another's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorldStateRepository, WorldsRepository, type RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';

let server: RunningServer;
const visitors: Visitor[] = [];

beforeAll(async () => {
  server = await startInProcessServer({ WORLD_CAPACITY: '1' });
});
afterAll(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
  await server?.close();
});

describe('instances of one world', () => {
  it('send a visitor to a new instance when the first is full, and add up presses from both', async () => {
    const first = await joinWorld(server.url, { name: 'First' });
    const second = await joinWorld(server.url, { name: 'Second' });
    visitors.push(first, second);
    expect(second.room.roomId).not.toBe(first.room.roomId);

    const acknowledged = await Promise.all([
      first.press(),
      second.press(),
      first.press(),
      second.press(),
      first.press(),
    ]);
    expect(acknowledged).toHaveLength(5);

    const world = await new WorldsRepository(server.database.db).findBySlug('demo');
    const stored = await new WorldStateRepository(server.database.db).load(world!.id);
    expect(stored?.state.presses).toBe(5);
  });
});
