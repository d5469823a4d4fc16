/**
 * Imported first by the voice benchmark: @livekit/rtc-node logs at debug level to stdout unless
 * NODE_ENV is "production" when it loads, and the benchmark's stdout must end with its JSON line.
 * `restoreNodeEnv()` puts the variable back before the server is started with this process's env.
 */
const before = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';

export function restoreNodeEnv(): void {
  if (before === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = before;
}
