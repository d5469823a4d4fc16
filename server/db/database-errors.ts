/**
 * Whether an error means "the database cannot be reached right now" (down, restarting, the connection cut
 * mid-request) rather than a fault of the request or the code: such a request is answered 503 with
 * Retry-After instead of 500, so clients retry and operators are not paged for a bug that is not one.
 */

/** Node socket errors on the way to PostgreSQL. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** PostgreSQL's SQLSTATEs for connection loss (class 08) and a server shutting down or starting (57P0x). */
function isConnectionState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/** node-postgres' own messages when the connection ends or cannot be had from the pool in time. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || isConnectionState(code))) return true;
    if (PG_MESSAGES.some((message) => cause instanceof Error && cause.message.includes(message))) return true;
    if (cause instanceof AggregateError) return cause.errors.some(isDatabaseUnavailable);
    cause = cause.cause;
  }
  return false;
}
