/**
 * Voice over HTTP: tokens for the rooms the world assigned you, and LiveKit's webhooks.
 */
import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import {
  Caller,
  Fails,
  Problem,
  Returns,
  SignedByAnotherService,
  ZodBody,
  named,
  type Principal,
} from '../control-plane/index.js';
import { VoiceGate } from './voice-gate.js';
import { VoiceWebhooks } from './voice-webhooks.js';

export const VOICE_WEBHOOKS = Symbol('VOICE_WEBHOOKS');

const voiceTokenRequest = named(
  'VoiceTokenRequest',
  z
    .object({
      /** Your session id in the world room (the Colyseus room's sessionId). */
      sessionId: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a room session id is 1–64 letters, digits, "_" or "-"'),
      /** A LiveKit room name from the latest voice message the world sent you. */
      room: z.string().min(1).max(200),
    })
    .strict(),
);

const voiceTokenSchema = named(
  'VoiceToken',
  z.object({
    url: z.string(),
    token: z.string(),
    room: z.string(),
    kind: z.enum(['island', 'zone', 'stage', 'announce']),
    canPublish: z.boolean(),
    sources: z
      .array(z.enum(['microphone', 'camera', 'screen_share']))
      .describe(
        'What you may publish there while canPublish (camera and screen share where the world allows).',
      ),
    expiresAt: z.string(),
  }),
);

@ApiTags('voice')
@ApiBearerAuth()
@Controller()
export class VoiceController {
  constructor(
    @Inject(VoiceGate) private readonly gate: VoiceGate,
    @Inject(VOICE_WEBHOOKS) private readonly webhooks: VoiceWebhooks | undefined,
  ) {}

  /**
   * A LiveKit token for one voice room the world assigned your session right now (10 minutes, one room,
   * the microphone where you may talk, camera and screen share where the world also allows them). Any other
   * room is refused.
   */
  @Post('voice/token')
  @HttpCode(200)
  @Returns(200, voiceTokenSchema)
  @Fails(400, 401, 403, 429, 503)
  token(@Caller() caller: Principal, @ZodBody(voiceTokenRequest) body: z.output<typeof voiceTokenRequest>) {
    return this.gate.token(caller, body.sessionId, body.room);
  }

  /** LiveKit's webhook (raw `application/webhook+json` body, signed with the API secret). */
  @Post('livekit/webhook')
  @SignedByAnotherService()
  @HttpCode(200)
  @Returns(200, z.object({ received: z.literal(true) }))
  @Fails(400, 401, 503)
  async webhook(@Req() req: Request) {
    if (!this.webhooks)
      throw Problem.unavailable('livekit webhook: voice is not set up on this server (LIVEKIT_URL)');
    if (typeof req.body !== 'string')
      throw Problem.badRequest('livekit webhook: send the raw body as application/webhook+json');
    const event = await this.webhooks.verify(req.body, req.headers.authorization);
    void this.webhooks.handle(event); // answered first: LiveKit waits for the answer, not the handling
    return { received: true as const };
  }
}
