/**
 * Names shared by the room (which assigns voice rooms), the token endpoint (which grants them) and the
 * webhook handler (which checks who joined where). LiveKit room names carry the world and instance, so a
 * room of one instance can never be granted for another.
 */
import type { VoiceRoomKey } from './islands.js';

/** The LiveKit room of an island or zone of one world instance. */
export const livekitRoomName = (worldId: string, instance: number, key: VoiceRoomKey | 'global'): string =>
  `${worldId}.${instance}.${key}`;

/** The listen-only (for visitors) announcement room of one world instance. */
export const announceRoomName = (worldId: string, instance: number): string =>
  `${worldId}.${instance}.announce`;

/** A visitor's LiveKit identity: its account and its session in the world room (unique per connection). */
export const voiceIdentity = (accountId: string, sessionId: string): string => `${accountId}:${sessionId}`;

/** The parts of an identity we minted; undefined for anything else. */
export function parseVoiceIdentity(identity: string): { accountId: string; sessionId: string } | undefined {
  const match = /^([0-9a-f-]{36}):([A-Za-z0-9_-]{1,64})$/.exec(identity);
  return match ? { accountId: match[1]!, sessionId: match[2]! } : undefined;
}

/** The http(s) form of a LiveKit URL (server API calls). */
export const livekitHttpUrl = (url: string): string => url.replace(/^ws(s?):/, 'http$1:');
/** The ws(s) form of a LiveKit URL (what clients connect to). */
export const livekitWsUrl = (url: string): string => url.replace(/^http(s?):/, 'ws$1:');
