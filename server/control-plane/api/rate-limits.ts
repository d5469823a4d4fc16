/**
 * The control plane's rate limits: which requests each limit counts, per whom, and what a refused caller
 * is told. Windows are one minute. Counted per client address: sign-in attempts (password guessing) and
 * new guests (player guests and embed visitors — one address may be a whole school or venue, so its limit
 * is far higher and apart from sign-in's); per caller (account, key, else address): writes and voice
 * tokens. Counters live where the given storage keeps them (shared through Redis when configured).
 */
import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { rateLimitTracker } from './caller.js';

export interface RateLimits {
  authPerMinute: number;
  /** New guest accounts (POST /auth/guest, embed sessions) per client address. */
  guestsPerMinute: number;
  writesPerMinute: number;
  voiceTokensPerMinute: number;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MINUTE_MS = 60_000;
const requestOf = (context: ExecutionContext): Request => context.switchToHttp().getRequest<Request>();
const isRead = (context: ExecutionContext) => READ_METHODS.has(requestOf(context).method);
const isGuestCreation = (context: ExecutionContext) => {
  const path = requestOf(context).path;
  return path === '/auth/guest' || /^\/embeds\/[^/]+\/sessions$/.test(path);
};
const byAddress = (req: Record<string, unknown>) => `ip:${String(req.ip)}`;
const byCaller = (req: Record<string, unknown>) => rateLimitTracker(req as unknown as Request);
const keyOf = (_context: ExecutionContext, tracker: string, name: string) => `${name}:${tracker}`;

/** What a refused caller is told, per limit: what was counted, and what to do. */
const REFUSALS: Record<string, (limit: number) => string> = {
  auth: (limit) => `too many sign-in attempts from this address (${limit} a minute)`,
  guests: (limit) =>
    `too many new guests from this address (${limit} a minute; an operator expecting more visitors behind one address raises RATE_LIMIT_GUESTS_PER_MINUTE)`,
  voice: (limit) => `too many voice tokens asked for (${limit} a minute)`,
  writes: (limit) => `too many changes from this caller (${limit} a minute)`,
};

export function rateLimitOptions(limits: RateLimits, storage?: ThrottlerStorage): ThrottlerModuleOptions {
  return {
    ...(storage ? { storage } : {}),
    throttlers: [
      {
        name: 'auth',
        ttl: MINUTE_MS,
        limit: limits.authPerMinute,
        skipIf: (context) =>
          !requestOf(context).path.startsWith('/auth/') || isRead(context) || isGuestCreation(context),
        getTracker: byAddress,
        generateKey: keyOf,
      },
      {
        name: 'guests',
        ttl: MINUTE_MS,
        limit: limits.guestsPerMinute,
        skipIf: (context) => isRead(context) || !isGuestCreation(context),
        getTracker: byAddress,
        generateKey: keyOf,
      },
      {
        // Voice tokens: a client needs one per room change (about one a second at most while walking).
        name: 'voice',
        ttl: MINUTE_MS,
        limit: limits.voiceTokensPerMinute,
        skipIf: (context) => requestOf(context).path !== '/voice/token',
        getTracker: byCaller,
        generateKey: keyOf,
      },
      {
        name: 'writes',
        ttl: MINUTE_MS,
        limit: limits.writesPerMinute,
        // Sign-in and guests have their own limits above; LiveKit's webhooks are not a caller's writes.
        skipIf: (context) =>
          isRead(context) ||
          requestOf(context).path.startsWith('/auth/') ||
          requestOf(context).path.startsWith('/embeds/') ||
          requestOf(context).path === '/livekit/webhook',
        getTracker: byCaller,
        generateKey: keyOf,
      },
    ],
    errorMessage: (_context, detail) => {
      const name = detail.key.slice(0, detail.key.indexOf(':'));
      const what = REFUSALS[name]?.(detail.limit) ?? 'too many requests';
      return `${what}: try again in ${detail.timeToBlockExpire} s (see Retry-After)`;
    },
  };
}
