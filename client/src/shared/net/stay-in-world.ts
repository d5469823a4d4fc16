/**
 * Keeps the visitor in their world. The SDK first tries to resume the same session (a network blip or a
 * page-level hiccup: same avatar, same instance). When that cannot work — the process hosting the instance
 * died, or shut down — the player joins the world again (a new session, probably another instance), with
 * growing pauses, for as long as the server stays unreachable (a restart or a deploy can take minutes),
 * saying so meanwhile. A refusal (private, banned, gated, full) stands: trying again would not change it.
 */
import type { JoinOptions } from '../../../../protocol/index.js';
import type { WorldStore } from '../world/world-store.js';
import { GUEST_ACCESS, connectToWorld, type JoinAccess, type WorldConnection } from './world-connection.js';

/** Close codes after which joining again is the way back: resuming failed or the instance went away. */
const REJOIN_CODES: ReadonlySet<number> = new Set([
  1006, // abnormal closure (e.g. lost right after joining, too early for the SDK to resume)
  4001, // the server shut down (a graceful restart of that process)
  4003, // the SDK's reconnection attempts all failed
]);
/** Waits before each rejoin attempt, in ms; the last one repeats for as long as it takes. */
const REJOIN_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

export interface WorldStay {
  stop(): Promise<void>;
}

/** `onConnection` hears each new live connection, and null when it is lost. */
export function stayInWorld(
  store: WorldStore,
  endpoint: string,
  options: JoinOptions,
  onConnection: (connection: WorldConnection | null) => void,
  /** Join this instance first (an invite link); rejoins after a loss go wherever the matchmaker says. */
  instance?: string,
  access: JoinAccess = GUEST_ACCESS,
): WorldStay {
  let connection: WorldConnection | null = null;
  let stopped = false;
  const set = (next: WorldConnection | null): void => {
    connection = next;
    onConnection(next);
  };

  /** `target`: the instance to join (an invite's), kept while a first join is retried after a passing failure. */
  const join = async (attempt: number, target: string | undefined): Promise<void> => {
    try {
      const joined = await connectToWorld(
        store,
        endpoint,
        options,
        (code) => {
          set(null);
          // After a loss, wherever the matchmaker says (the instance may be gone with its process).
          if (!stopped && REJOIN_CODES.has(code)) void rejoin(0, undefined);
        },
        target,
        access,
      );
      if (stopped) {
        await joined.leave();
        return;
      }
      // In again: what kept the visitor out is over.
      store.problem = null;
      store.joinFailure = null;
      set(joined);
    } catch {
      // The store says what went wrong (connectToWorld set it). While the server cannot be reached — or,
      // after a loss, answers oddly while it restarts — keep trying; a refusal stands, saying why.
      const failure = store.joinFailure;
      if (failure && !failure.refusal && (failure.retry || attempt > 0)) void rejoin(attempt, target);
    }
  };

  const rejoin = async (attempt: number, target: string | undefined): Promise<void> => {
    if (stopped) return;
    const delay = REJOIN_DELAYS_MS[Math.min(attempt, REJOIN_DELAYS_MS.length - 1)]!;
    store.connection = 'reconnecting';
    store.problem =
      store.joinFailure?.retry === true
        ? `${store.joinFailure.message} Trying again in ${Math.round(delay / 1000) || 1} s…`
        : null;
    store.remotes.clear();
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (!stopped) await join(attempt + 1, target);
  };

  void join(0, instance);
  return {
    stop: async () => {
      stopped = true;
      await connection?.leave();
      set(null);
    },
  };
}
