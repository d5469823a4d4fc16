/** Polls `read` until `accept` holds for its value; fails with the last value seen after `timeoutMs`. */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await read();
  }
  return last;
}

/**
 * `work`'s result, or `late()`'s (which may throw) when `work` has not settled within `ms` milliseconds;
 * the timer is cleared either way. For calls that may wait forever on an answer, such as rtc-node's on a
 * loaded process.
 */
export function within<T, L = undefined>(work: Promise<T>, ms: number, late: () => L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<L>((resolve) => {
      // Resolving with a promise adopts it: a `late` that throws rejects the race.
      timer = setTimeout(() => resolve(Promise.resolve().then(late)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
