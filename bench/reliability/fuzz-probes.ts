/**
 * The fuzz harness' probes beside the fuzzing: forged reconnects during a real visitor's grace
 * (colyseus#962), and joins through an embed key from origins not on its list.
 */
import { Client } from '@colyseus/sdk';
import { RoomName } from '../../protocol/index.js';
import { joinWorld, wrapRoom, type Visitor } from '../shared/visitors.js';
import { waitFor } from '../shared/wait.js';

const ALLOWED_ORIGIN = 'https://allowed.example';

const socketOf = (visitor: Visitor): WebSocket =>
  (visitor.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws;

/** colyseus#962: forged reconnects during a real visitor's grace must fail, and the real one resume. */
export async function reconnectProbe(url: string): Promise<{ forgedAccepted: number; realRefused: number }> {
  const victim = await joinWorld(url, { name: 'Dropped' });
  const token = victim.room.reconnectionToken;
  socketOf(victim).close(3001, 'network blip');
  await waitFor(
    () => victim.leftWith(),
    (code) => code !== undefined,
    { what: 'the drop noticed' },
  );
  const [roomId] = token.split(':');
  const forgeries = [
    `${roomId}:wrong-token`,
    `${roomId}:`,
    '',
    `${token}x`,
    `no-room:${token.split(':')[1]}`,
  ];
  let forgedAccepted = 0;
  for (const forged of forgeries) {
    const accepted = await Promise.resolve()
      .then(() => new Client(url).reconnect(forged))
      .then(
        async (room) => {
          await room.leave();
          return true;
        },
        () => false,
      );
    if (accepted) forgedAccepted++;
  }
  const resumed = await new Client(url).reconnect(token).then(
    (room) => wrapRoom(room),
    () => undefined,
  );
  await resumed?.leave();
  return { forgedAccepted, realRefused: resumed?.sessionId === victim.sessionId ? 0 : 1 };
}

/** Joins with the demo world's embed key from a page on another origin (refused) and on its own. */
export async function originProbe(
  url: string,
  key: string,
): Promise<{ wrongAccepted: number; rightRefused: boolean }> {
  const join = (origin: string) => {
    const client = new Client(url, { headers: { origin } });
    client.auth.token = key;
    return client
      .joinOrCreate(RoomName.world, { world: 'demo', name: 'Embedded', color: '#888888', spectate: true })
      .then(
        async (room) => {
          await room.leave();
          return true;
        },
        () => false,
      );
  };
  let wrongAccepted = 0;
  for (const origin of [
    'https://evil.example',
    'http://allowed.example',
    'https://allowed.example.evil.example',
    'null',
  ])
    if (await join(origin)) wrongAccepted++;
  return { wrongAccepted, rightRefused: !(await join(ALLOWED_ORIGIN)) };
}

export async function embedKey(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/worlds/demo/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fuzz embed', scopes: ['embed'], origins: [ALLOWED_ORIGIN] }),
  });
  if (!response.ok)
    throw new Error(`fuzz: creating an embed key answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}
