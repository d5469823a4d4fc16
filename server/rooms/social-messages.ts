/** The room's social messages — chat, emotes, typing and moderation — routed to their handlers. */
import type { Client, Room } from '@colyseus/core';
import type { Logger } from 'pino';
import {
  MessageType,
  chatRequestSchema,
  emoteRequestSchema,
  moderateRequestSchema,
  typingRequestSchema,
  type ModerateRequest,
} from '../../protocol/index.js';
import type { SocialRelay } from './social-relay.js';

export function listenToSocialMessages(
  room: Pick<Room, 'onMessage'>,
  social: SocialRelay,
  moderate: (client: Client, request: ModerateRequest) => Promise<void>,
  log: () => Logger,
): void {
  room.onMessage(MessageType.chat, chatRequestSchema, (client: Client, request) =>
    social.chat(client, request),
  );
  room.onMessage(MessageType.emote, emoteRequestSchema, (client: Client, { emote }) =>
    social.emote(client, emote),
  );
  room.onMessage(MessageType.typing, typingRequestSchema, (client: Client, { typing }) =>
    social.typing(client, typing),
  );
  room.onMessage(MessageType.moderate, moderateRequestSchema, (client: Client, request) =>
    moderate(client, request).catch((error: unknown) =>
      log().error({ err: error }, 'moderation from the room failed'),
    ),
  );
}
