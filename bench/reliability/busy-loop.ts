/**
 * Holds a Node process's event loop busy — full CPU, no timers, no I/O callbacks, as a stuck handler or a
 * long GC does — through its inspector (the process must run with --inspect, e.g. in NODE_OPTIONS). Its
 * worker threads keep running, as they would.
 */
import { within } from '../shared/wait.js';

/** Runs `seconds` of busy loop on the server's own event loop, through its inspector (started with --inspect). */
export async function holdBusy(inspectPort: number, seconds: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const done = new Promise<void>((resolve) => (socket.onmessage = () => resolve()));
  socket.send(
    JSON.stringify({
      id: 1,
      method: 'Runtime.evaluate',
      params: { expression: `{ const until = Date.now() + ${seconds * 1000}; while (Date.now() < until); }` },
    }),
  );
  await within(done, (seconds + 30) * 1000, () => undefined);
  socket.close();
}
