/** A world room's rates and bounds. */

/** How often visitor time is added to the organization's usage, in milliseconds. */
export const USAGE_FLUSH_MS = 60_000;

/**
 * Inputs buffered per client. One is applied per tick, so this bounds both memory and how far behind a
 * client's movement may run (8 × 50 ms). When full, the oldest input is dropped.
 */
export const INPUT_BUFFER_SIZE = 8;
/**
 * Interval of schema patches (who is in view, names, seats, items), in ms. Positions do not travel in them
 * (movement frames go every tick); at 1,000 visitors encoding every client's view 20 times a second cost
 * about a tenth of the server's CPU, so who-is-there changes are batched at 10 Hz (at most 50 ms later).
 */
export const SCHEMA_PATCH_MS = 100;
