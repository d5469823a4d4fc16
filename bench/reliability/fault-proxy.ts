/**
 * A small fault-injecting TCP proxy (the kernel here has no netem): the server talks to PostgreSQL, Redis
 * or LiveKit through it, and a harness switches what the network does between them.
 *
 *   pass       bytes flow both ways
 *   refuse     every open connection is reset, new ones are reset at once (the service is down)
 *   blackhole  connections stay open but nothing moves: reading stops on both sides, so TCP backs up as
 *              when packets are dropped; new connections are accepted and hang. Back to `pass`, what was
 *              held back is delivered in order, as TCP's retransmission would after a partition heals.
 *   slow       every chunk is delivered `delayMs` later, in order
 *
 * `restart(ms)` resets everything and refuses for `ms`, then passes again: what a client sees when the
 * service is restarted.
 */
import net from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'blackhole' | 'slow';

export interface FaultProxy {
  /** The loopback port clients connect to. */
  port: number;
  mode(): FaultMode;
  /** Switches mode; `delayMs` is the extra latency per chunk in `slow` (ignored otherwise). */
  set(mode: FaultMode, delayMs?: number): void;
  restart(downMs: number): Promise<void>;
  /** Connections accepted so far (refused ones included). */
  accepted(): number;
  close(): Promise<void>;
}

interface Link {
  client: net.Socket;
  upstream: net.Socket;
}

export async function startFaultProxy(upstream: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let delayMs = 0;
  let accepted = 0;
  const links = new Set<Link>();

  /** Forwards `from` → `to` under the current mode, keeping the order of chunks in `slow`. */
  const forward = (from: net.Socket, to: net.Socket): void => {
    let lastDue = 0;
    from.on('data', (chunk: Buffer) => {
      if (mode !== 'slow') {
        if (!to.write(chunk)) from.pause();
        return;
      }
      const due = Math.max(Date.now() + delayMs, lastDue);
      lastDue = due;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, due - Date.now());
    });
    to.on('drain', () => {
      if (mode !== 'blackhole') from.resume();
    });
    from.on('end', () => to.end());
  };

  const server = net.createServer((client) => {
    accepted++;
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const socket = net.connect(upstream.port, upstream.host);
    const link = { client, upstream: socket };
    links.add(link);
    const drop = (): void => {
      links.delete(link);
      client.destroy();
      socket.destroy();
    };
    client.on('error', drop).on('close', drop);
    socket.on('error', drop).on('close', drop);
    forward(client, socket);
    forward(socket, client);
    if (mode === 'blackhole') {
      client.pause();
      socket.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const resetAll = (): void => {
    for (const link of links) {
      link.client.resetAndDestroy();
      link.upstream.destroy();
    }
    links.clear();
  };

  const set = (next: FaultMode, nextDelayMs = 0): void => {
    mode = next;
    delayMs = next === 'slow' ? nextDelayMs : 0;
    if (next === 'refuse') resetAll();
    for (const { client, upstream: socket } of links) {
      if (next === 'blackhole') {
        client.pause();
        socket.pause();
      } else {
        client.resume();
        socket.resume();
      }
    }
  };

  return {
    port: (server.address() as net.AddressInfo).port,
    mode: () => mode,
    set,
    restart: async (downMs) => {
      set('refuse');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      set('pass');
    },
    accepted: () => accepted,
    close: async () => {
      resetAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
