/**
 * The postMessage protocol between the widget's loader (`<mib-world>` on the host page) and the embed page
 * in its frame (this server's origin). Both sides send only to the other's exact origin and check every
 * message's origin, source and shape here before acting on it. Plain TypeScript (no zod): the loader must
 * stay small.
 *
 * Host → frame: a command `{ mib: "embed", id, method, args }`, answered once by a reply.
 * Frame → host: an event `{ mib: "embed", event, detail }`, a reply `{ mib: "embed", reply: id, ok, … }`,
 * or the seat the frame holds now `{ mib: "embed", seat }` (null: none) — the loader sends its leave
 * notice when the host page goes away or drops the element (shared/net/leave-notice.ts).
 */
import type { EmbedErrorCode } from '../../../../protocol/embed-errors.js';
import { readSeat, type Seat } from '../net/leave-notice.js';

export const EMBED_CHANNEL = 'embed';

export const EMBED_METHODS = [
  'join',
  'leave',
  'setCamera',
  'teleport',
  'sendChat',
  'emote',
  'getPopulation',
] as const;
export type EmbedMethod = (typeof EMBED_METHODS)[number];

export const EMBED_EVENTS = [
  'ready',
  'load',
  'progress',
  'joined',
  'left',
  'population',
  'chat',
  'error',
] as const;
export type EmbedEventName = (typeof EMBED_EVENTS)[number];

export type { EmbedErrorCode };

export interface EmbedError {
  code: EmbedErrorCode;
  message: string;
}

export interface Vector {
  x: number;
  y: number;
  z: number;
}

export interface HostCommand {
  mib: typeof EMBED_CHANNEL;
  id: number;
  method: EmbedMethod;
  args: unknown;
}

export type FrameMessage =
  | { mib: typeof EMBED_CHANNEL; event: EmbedEventName; detail: unknown }
  | { mib: typeof EMBED_CHANNEL; reply: number; ok: true; value: unknown }
  | { mib: typeof EMBED_CHANNEL; reply: number; ok: false; error: EmbedError }
  | { mib: typeof EMBED_CHANNEL; seat: Seat | null };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A command from the host page, or null when `data` is not one (ignored, never thrown on). */
export function readHostCommand(data: unknown): HostCommand | null {
  if (!isObject(data) || data.mib !== EMBED_CHANNEL) return null;
  const { id, method } = data;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
  if (typeof method !== 'string' || !(EMBED_METHODS as readonly string[]).includes(method)) return null;
  return { mib: EMBED_CHANNEL, id, method: method as EmbedMethod, args: data.args };
}

/** An event or reply from the frame, or null when `data` is not one. */
export function readFrameMessage(data: unknown): FrameMessage | null {
  if (!isObject(data) || data.mib !== EMBED_CHANNEL) return null;
  if ('seat' in data) {
    const seat = data.seat === null ? null : readSeat(data.seat);
    return seat || data.seat === null ? { mib: EMBED_CHANNEL, seat } : null;
  }
  if (typeof data.event === 'string')
    return (EMBED_EVENTS as readonly string[]).includes(data.event)
      ? { mib: EMBED_CHANNEL, event: data.event as EmbedEventName, detail: data.detail }
      : null;
  if (typeof data.reply !== 'number') return null;
  if (data.ok === true) return { mib: EMBED_CHANNEL, reply: data.reply, ok: true, value: data.value };
  const error = data.error;
  if (
    data.ok !== false ||
    !isObject(error) ||
    typeof error.code !== 'string' ||
    typeof error.message !== 'string'
  )
    return null;
  return {
    mib: EMBED_CHANNEL,
    reply: data.reply,
    ok: false,
    error: { code: error.code as EmbedErrorCode, message: error.message },
  };
}

/** A finite vector {x, y, z} within ±10 km, or null. */
export function readVector(value: unknown): Vector | null {
  if (!isObject(value)) return null;
  const { x, y, z } = value;
  const fine = (n: unknown): n is number =>
    typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= 10_000;
  return fine(x) && fine(y) && fine(z) ? { x, y, z } : null;
}
