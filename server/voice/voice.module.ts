import { Module, type DynamicModule } from '@nestjs/common';
import { VOICE_WEBHOOKS, VoiceController } from './voice.controller.js';
import { VoiceGate } from './voice-gate.js';
import type { VoiceWebhooks } from './voice-webhooks.js';

export interface VoiceModuleOptions {
  gate: VoiceGate;
  /** Undefined when voice is not configured (the webhook then answers 503). */
  webhooks: VoiceWebhooks | undefined;
}

@Module({})
export class VoiceModule {
  static forRoot(options: VoiceModuleOptions): DynamicModule {
    return {
      module: VoiceModule,
      controllers: [VoiceController],
      providers: [
        { provide: VoiceGate, useValue: options.gate },
        { provide: VOICE_WEBHOOKS, useValue: options.webhooks },
      ],
    };
  }
}
