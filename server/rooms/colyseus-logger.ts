/**
 * Colyseus' own log lines (it prints to the console by default) through the server's logger, at most
 * LINES_PER_SECOND a second. Colyseus prints a whole stack trace for every client message it cannot decode
 * or validate; a client sending garbage at the room's message limit then made the server write megabytes
 * of stderr a minute and spend most of a core doing it (bench:reliability's fuzz harness: server CPU 13 %
 * → 75 % under fuzzing). Past the limit, lines are counted, and the count is logged once a second.
 */
import type { Logger } from 'pino';

const LINES_PER_SECOND = 5;

type Level = 'debug' | 'info' | 'warn' | 'error' | 'trace';

/** First line of what Colyseus passes (often an error's stack), at most 300 characters. */
function summary(args: unknown[]): string {
  const text = args
    .map((arg) =>
      arg instanceof Error ? (arg.stack ?? arg.message) : typeof arg === 'string' ? arg : String(arg),
    )
    .join(' ');
  return text.split('\n', 1)[0]!.slice(0, 300);
}

export function colyseusLogger(logger: Logger): Record<Level, (...args: unknown[]) => void> {
  const log = logger.child({ component: 'colyseus' });
  let windowStart = 0;
  let written = 0;
  let suppressed = 0;
  const write = (level: Level, args: unknown[]): void => {
    const now = Date.now();
    if (now - windowStart >= 1_000) {
      if (suppressed > 0) log.warn({ suppressed }, 'colyseus: more lines like the above were not logged');
      windowStart = now;
      written = 0;
      suppressed = 0;
    }
    if (level !== 'error' && level !== 'warn' && !log.isLevelEnabled(level)) return;
    if (written >= LINES_PER_SECOND) {
      suppressed++;
      return;
    }
    written++;
    // Colyseus reports a client's bad message as an error; it is the client's fault, not the server's.
    log[level === 'error' ? 'warn' : level](summary(args));
  };
  return {
    debug: (...args) => write('debug', args),
    info: (...args) => write('info', args),
    warn: (...args) => write('warn', args),
    error: (...args) => write('error', args),
    trace: (...args) => write('trace', args),
  };
}
