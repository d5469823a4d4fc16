/** Real-LiveKit voice bots: shared with bench:voice (bench/shared/voice-bots.ts). */
export * from '../../bench/shared/voice-bots.js';
