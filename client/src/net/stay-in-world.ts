/**
 * Keeps the visitor in their world. The SDK first tries to resume the same session (a network blip or a
 * page-level hiccup: same avatar, same instance). When that cannot work — the process hosting the instance
 * died, or shut down — the player joins the world again (a new session, probably another instance), with a
 * few spaced attempts, instead of leaving the visitor on a dead page.
 */
import type { JoinOptions } from '../../../protocol/index.js';
import type { WorldStore } from '../world-store.js';
import { connectToWorld, type WorldConnection } from './world-connection.js';

/** Close codes after which joining again is the way back: resuming failed or the instance went away. */
const REJOIN_CODES: ReadonlySet<number> = new Set([
  1006, // abnormal closure (e.g. lost right after joining, too early for the SDK to resume)
  4001, // the server shut down (a graceful restart of that process)
  4003, // the SDK's reconnection attempts all failed
]);
/** Waits before each rejoin attempt, in ms. */
const REJOIN_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

export interface WorldStay {
  stop(): Promise<void>;
}

/** `onConnection` hears each new live connection, and null when it is lost. */
export function stayInWorld(
  store: WorldStore,
  endpoint: string,
  options: JoinOptions,
  onConnection: (connection: WorldConnection | null) => void,
): WorldStay {
  let connection: WorldConnection | null = null;
  let stopped = false;
  const set = (next: WorldConnection | null): void => {
    connection = next;
    onConnection(next);
  };

  const join = async (attempt: number): Promise<void> => {
    try {
      const joined = await connectToWorld(store, endpoint, options, (code) => {
        set(null);
        if (!stopped && REJOIN_CODES.has(code)) void rejoin(0);
      });
      if (stopped) await joined.leave();
      else set(joined);
    } catch {
      // The store says what went wrong. After a loss, or while the server cannot be reached, keep trying a
      // few times (with growing pauses) before giving up; a refusal (private, banned, gated) stands.
      if (attempt > 0 || store.joinFailure?.retry) void rejoin(attempt);
    }
  };

  const rejoin = async (attempt: number): Promise<void> => {
    const delay = REJOIN_DELAYS_MS[attempt];
    if (delay === undefined || stopped) {
      store.connection = 'error';
      store.problem = 'The world cannot be reached right now. Reload the page to try again.';
      return;
    }
    store.connection = 'reconnecting';
    store.problem =
      store.joinFailure?.retry === true
        ? `${store.joinFailure.message} Trying again in ${Math.round(delay / 1000) || 1} s…`
        : null;
    store.remotes.clear();
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (!stopped) await join(attempt + 1);
  };

  void join(0);
  return {
    stop: async () => {
      stopped = true;
      await connection?.leave();
      set(null);
    },
  };
}
