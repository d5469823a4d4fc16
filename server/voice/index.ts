/** Voice through LiveKit: the room-side director, the token gate, webhooks and the HTTP module. */
export { VoiceModule, type VoiceModuleOptions } from './voice.module.js';
export {
  VoiceDirector,
  VOICE_EVERY_TICKS,
  voiceSettingsOf,
  type VoiceBackend,
  type VoiceListener,
  type VoiceSettings,
} from './voice-director.js';
export { VoiceGate } from './voice-gate.js';
export { VoiceTokens, VOICE_TOKEN_TTL_SECONDS } from './voice-tokens.js';
export { VoiceWebhooks } from './voice-webhooks.js';
export { VoiceAssignments } from './voice-assignments.js';
export { LiveKitAdmin, visitorPermission } from './livekit-admin.js';
export { DEFAULT_VOICE_PARAMS, assignVoiceRooms, type VoiceParams } from './islands.js';
export { voiceIdentity, parseVoiceIdentity, livekitRoomName, announceRoomName } from './voice-names.js';
