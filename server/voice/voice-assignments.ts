/**
 * The voice rooms each visitor is assigned right now, written by its world room and read by the token
 * endpoint and the webhook handler — possibly in another process, so it lives in the Colyseus presence
 * (Redis when scaled out), one hash field per room session.
 */
import type { Presence } from '@colyseus/core';
import type { VoiceRoomGrant } from '../../protocol/index.js';

const KEY = 'mib:voice:assignments';

export interface VoiceAssignmentRecord {
  accountId: string;
  worldId: string;
  instance: number;
  room: VoiceRoomGrant;
  announce: VoiceRoomGrant;
}

export class VoiceAssignments {
  constructor(private readonly presence: Presence) {}

  async set(sessionId: string, record: VoiceAssignmentRecord): Promise<void> {
    await this.presence.hset(KEY, sessionId, JSON.stringify(record));
  }

  async get(sessionId: string): Promise<VoiceAssignmentRecord | undefined> {
    const raw = await this.presence.hget(KEY, sessionId);
    if (!raw) return undefined;
    const record = JSON.parse(raw) as VoiceAssignmentRecord;
    // Written by a server from before camera and screen share: the microphone was all it granted.
    for (const grant of [record.room, record.announce]) grant.sources ??= ['microphone'];
    return record;
  }

  async delete(sessionId: string): Promise<void> {
    await this.presence.hdel(KEY, sessionId);
  }
}
