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

/** Read by shape, not `instanceof`: errors from Node's own modules may come from another realm. */
interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as ErrorLike;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || isConnectionState(code))) return true;
  if (typeof message === 'string' && PG_MESSAGES.some((known) => message.includes(known))) return true;
  // AggregateError (a host name with several addresses, each refused).
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** A problem opening the database, reported as one line that names the fix. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/**
 * Whether an error is PostgreSQL's foreign_key_violation (23503): a write that refers to a row deleted
 * while the request ran (most often its world). The request cannot succeed as asked; answered 409, not 500.
 */
export function isReferenceGone(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorLike).code === '23503';
}
