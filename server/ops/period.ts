/** Command-line periods of the ops command (`backup --every 24h`). */

/** A mistake in the command line: answered with the usage text and exit code 2. */
export class UsageError extends Error {}

/** "30m", "6h", "1d" → milliseconds; anything else is a UsageError naming the fix. */
export function parsePeriod(text: string): number {
  const match = /^(\d+)(m|h|d)$/.exec(text);
  if (!match || Number(match[1]) === 0)
    throw new UsageError(
      `--every "${text}" is not a period: give minutes, hours or days, e.g. 30m, 6h or 1d`,
    );
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}
