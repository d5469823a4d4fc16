/**
 * A room's social messages: chat (nearby / instance, length cap, rate limit), emotes and typing
 * indicators. "Nearby" means the clients whose area of interest holds the sender (everyone when interest
 * management is off), spectators included; only members (visitors) may send. Refusals are messages, not
 * disconnects; malformed payloads never get here (the room validates them with the protocol's schemas and
 * closes the sender).
 */
import type { Client } from '@colyseus/core';
import {
  CHAT_MAX_CHARS,
  CHAT_MAX_PER_WINDOW,
  CHAT_WINDOW_SECONDS,
  EMOTES_PER_SECOND,
  MessageType,
  type ChatLine,
  type ChatRefusal,
  type ChatRequest,
  type Emote,
  type EmoteEvent,
  type TypingEvent,
} from '../../protocol/index.js';
import type { Mover } from './movement-broadcaster.js';
import { SlidingWindowLimiter } from './sliding-window-limiter.js';

export class SocialRelay {
  private readonly chatLimiter = new SlidingWindowLimiter(CHAT_MAX_PER_WINDOW, CHAT_WINDOW_SECONDS * 1000);
  private readonly emoteLimiter = new SlidingWindowLimiter(EMOTES_PER_SECOND, 1000);
  /** Why each muted member (by session id) may not chat. */
  private readonly muted = new Map<string, string>();

  constructor(
    private readonly members: ReadonlyMap<string, Mover>,
    private readonly filtered: boolean,
    private readonly broadcast: (type: string, message: unknown) => void,
    /** Spectators: they see and hear what nearby members say and play, and say nothing themselves. */
    private readonly watchers: ReadonlyMap<string, Mover> = new Map(),
  ) {}

  /** Delivers a chat line to its channel, or tells the sender why not (length cap, rate limit). */
  chat(client: Client, request: ChatRequest): void {
    const sender = this.members.get(client.sessionId);
    if (!sender) return;
    const refuse = (reason: string): void =>
      client.send(MessageType.chatRefused, { reason } satisfies ChatRefusal);
    const mutedFor = this.muted.get(client.sessionId);
    if (mutedFor !== undefined) return refuse(`chat: a moderator muted you in this world (${mutedFor})`);
    const text = request.text.trim();
    if (text.length === 0) return refuse('chat: the message is empty');
    if (text.length > CHAT_MAX_CHARS) {
      return refuse(`chat: a message is at most ${CHAT_MAX_CHARS} characters; this one has ${text.length}`);
    }
    const waitMs = this.chatLimiter.take(client.sessionId, Date.now());
    if (waitMs > 0) {
      return refuse(
        `chat: at most ${CHAT_MAX_PER_WINDOW} messages per ${CHAT_WINDOW_SECONDS} s; wait ${Math.ceil(waitMs / 1000)} s`,
      );
    }
    const line: ChatLine = {
      from: client.sessionId,
      name: sender.avatar.name,
      channel: request.channel,
      text,
      at: Date.now(),
    };
    if (request.channel === 'instance') this.broadcast(MessageType.chat, line);
    else this.sendToWatchers(client, MessageType.chat, line);
  }

  /** Plays an emote for those who see the sender; beyond EMOTES_PER_SECOND it is quietly dropped. */
  emote(client: Client, emote: Emote): void {
    if (this.emoteLimiter.take(client.sessionId, Date.now()) > 0) return;
    this.sendToWatchers(client, MessageType.emote, { from: client.sessionId, emote } satisfies EmoteEvent);
  }

  typing(client: Client, typing: boolean): void {
    this.sendToWatchers(
      client,
      MessageType.typing,
      { from: client.sessionId, typing } satisfies TypingEvent,
      false,
    );
  }

  /** Why a moderator muted this member, or undefined. */
  mutedFor(sessionId: string): string | undefined {
    return this.muted.get(sessionId);
  }

  /** A moderator muted (reason) or unmuted (null) this member's chat. */
  setMuted(sessionId: string, reason: string | null): void {
    if (reason === null) this.muted.delete(sessionId);
    else this.muted.set(sessionId, reason);
  }

  forget(sessionId: string): void {
    this.muted.delete(sessionId);
    this.chatLimiter.forget(sessionId);
    this.emoteLimiter.forget(sessionId);
  }

  /** Sends to every client whose interest holds `sender`, and to the sender itself unless `echo` is false. */
  sendToWatchers(sender: Client, type: string, message: unknown, echo = true): void {
    const member = this.members.get(sender.sessionId);
    if (!member) return;
    if (echo) sender.send(type, message);
    for (const group of [this.members, this.watchers])
      for (const watcher of group.values()) {
        if (watcher !== member && (!this.filtered || watcher.visible.has(member)))
          watcher.client.send(type, message);
      }
  }
}
