/**
 * Runs Colyseus on the HTTP server NestJS already owns (one port), in the order Colyseus' own Vite
 * integration uses: matchmaker setup → WebSocket transport attached with a path filter → matchmaking
 * middleware → room definitions → accept. Colyseus `listen()` is deliberately not used: it would take over
 * every request, answer all OPTIONS and stamp CORS headers on the control plane's routes.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createNodeMatchmakingMiddleware,
  defineRoom,
  matchMaker,
  registerRoomDefinitions,
} from '@colyseus/core';
import { setLogger } from '@colyseus/core/Logger';
import { setTransport } from '@colyseus/core/Transport';
import { Encoder } from '@colyseus/schema';
import { MAX_MESSAGE_BYTES, RoomName } from '../../protocol/index.js';
import type { MatchmakingBackend } from './matchmaking-backend.js';
import { colyseusLogger } from './colyseus-logger.js';
import { startProcessLiveness, type ProcessLiveness } from './process-liveness.js';
import { ViolationTrackingTransport } from './protocol-violations.js';
import { createWorldRoom, type WorldRoomDeps } from './world-room.js';
import { createEditorRoom } from './editor/editor-room.js';
import type { EditorRoomDeps } from './editor/editor-room-deps.js';

/**
 * Initial size of each room's state encoding buffer, in bytes. The default (16 KB) overflows with a few
 * hundred avatars and then grows step by step with a warning each time; a full instance of 1,000 avatars
 * needs well under this.
 */
const STATE_BUFFER_BYTES = 1024 * 1024;

type Middleware = ReturnType<typeof createNodeMatchmakingMiddleware>;

/** Said to a join that reaches a draining process directly (the proxy normally retries another one). */
const DRAINING_MESSAGE =
  'join: this server is restarting and takes no new visitors; join again (another server will take you)';

const isMatchmaking = (req: http.IncomingMessage): boolean => (req.url ?? '').startsWith('/matchmake/');

/** WebSocket paths Colyseus serves: /<processId>/<roomId>. */
const ROOM_SOCKET_PATH = /^\/[\w-]+\/[\w-]+$/;

export interface RoomHost {
  /**
   * Express-style middleware answering POST /matchmake/…; mount it before the control plane's routes.
   * While this process drains it answers 503 (a proxy retries another process; nothing was reserved).
   */
  matchmakingMiddleware: Middleware;
  /** Whether shutdown has begun: no new seats here (readiness reports it). */
  readonly draining: boolean;
  /**
   * Attaches the WebSocket transport to the server and starts accepting rooms. Upgrades to other paths are
   * answered 404 unless `handledElsewhere` claims them (another upgrade listener serves those).
   */
  attach(server: http.Server, handledElsewhere?: (req: http.IncomingMessage) => boolean): Promise<void>;
  /**
   * Drains: stops joins (503), has every room save and free its instance number before telling its
   * visitors to rejoin (4001; they land on another process), then closes the sockets.
   */
  shutdown(): Promise<void>;
}

/** Rooms placed per process in the last few seconds (a Redis hash that expires once placements stop). */
const PLACEMENTS_KEY = 'mib:room-placements';
const PLACEMENTS_WINDOW_SECONDS = 5;

/**
 * Where a new room is made: the live process with the fewest rooms listed plus rooms placed on it in the
 * last few seconds (whose listings may not be written yet), ties at random. Colyseus' default reads room
 * counts each process writes at most once a second, so a burst of new worlds — the visitors of a drained
 * process rejoining — all lands on one process. Draining processes have left the live set (Colyseus
 * excludes them first).
 */
async function leastLoadedProcess(backend: MatchmakingBackend): Promise<string> {
  const live = (await matchMaker.stats.fetchAll()).map((stats) => stats.processId);
  if (live.length === 0) return matchMaker.processId;
  const load = new Map(live.map((id) => [id, 0]));
  const add = (id: string, count: number): void => {
    if (load.has(id)) load.set(id, load.get(id)! + count);
  };
  for (const listing of await backend.driver.query({})) add(listing.processId, 1);
  for (const [id, count] of Object.entries(await backend.presence.hgetall(PLACEMENTS_KEY)))
    add(id, Number(count) || 0);
  const least = Math.min(...load.values());
  const candidates = live.filter((id) => load.get(id) === least);
  const chosen = candidates[Math.floor(Math.random() * candidates.length)]!;
  await backend.presence.hincrbyex(PLACEMENTS_KEY, chosen, 1, PLACEMENTS_WINDOW_SECONDS);
  return chosen;
}

export async function createRoomHost(
  backend: MatchmakingBackend,
  deps: WorldRoomDeps,
  publicAddress: string | undefined,
  editorDeps: EditorRoomDeps,
): Promise<RoomHost> {
  Encoder.BUFFER_SIZE = STATE_BUFFER_BYTES;
  setLogger(colyseusLogger(deps.logger));
  await matchMaker.setup(backend.presence, backend.driver, publicAddress, () => leastLoadedProcess(backend));
  // Across processes, a process is dead when its heartbeat stops, not when one call to it is slow
  // (process-liveness.ts): Colyseus' own health check would unlist a busy process's rooms.
  let liveness: ProcessLiveness | undefined;
  if (backend.kind === 'redis' && backend.redisUrl)
    liveness = startProcessLiveness(backend, backend.redisUrl, deps.logger);
  const transport = new ViolationTrackingTransport({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let stopped = false;
  const matchmaking = createNodeMatchmakingMiddleware();

  return {
    matchmakingMiddleware: async (req, res, next) => {
      if (!stopped || !isMatchmaking(req)) return matchmaking(req, res, next);
      res.statusCode = 503;
      res.setHeader('retry-after', '1');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 503, error: DRAINING_MESSAGE }));
    },
    get draining() {
      return stopped;
    },
    async attach(server, handledElsewhere = () => false) {
      const isRoomSocket = (req: http.IncomingMessage): boolean =>
        ROOM_SOCKET_PATH.test(new URL(req.url ?? '/', 'http://localhost').pathname);
      transport.attachToServer(server, { filter: isRoomSocket });
      // Upgrades to any other path have no handler; close them instead of leaving the socket hanging.
      server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
        if (!isRoomSocket(req) && !handledElsewhere(req))
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      });
      setTransport(transport);
      registerRoomDefinitions({
        [RoomName.world]: defineRoom(createWorldRoom(deps)).filterBy(['world']),
        [RoomName.preview]: defineRoom(createWorldRoom(deps, 'preview')).filterBy(['world']),
        [RoomName.editor]: defineRoom(createEditorRoom(editorDeps)).filterBy(['world']),
      });
      await matchMaker.accept();
      // Off only now: at start Colyseus still checks the processes already listed (those without a
      // subscriber are gone) and starts its room-count persistence and its "was I swept?" check, which
      // re-lists this process's rooms if a sweep (ours, after a freeze) unlisted them.
      if (liveness) matchMaker.setHealthChecksEnabled(false);
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await matchMaker.gracefullyShutdown();
      await liveness?.stop();
      transport.shutdown();
      await backend.driver.shutdown();
      await backend.instanceLock.close();
      backend.presence.shutdown();
    },
  };
}
