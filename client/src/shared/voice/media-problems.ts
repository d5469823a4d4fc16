/**
 * What the visitor is told when their microphone, camera or screen share cannot be used, or voice cannot
 * connect: why (the world, a mute, the stage, the browser, the device, the servers) and what to do about it. Pure, so the wording is tested without a browser.
 */
import type { VoiceRoomGrant, VoiceSource } from '../../../../protocol/index.js';
import type { VideoKind } from './media-videos.js';

const SOURCE_OF: Record<VideoKind, VoiceSource> = { camera: 'camera', screen: 'screen_share' };
export const NAME_OF: Record<VideoKind, string> = { camera: 'camera', screen: 'screen share' };

/** Whether a voice grant lets the visitor publish `kind` now. */
export const allows = (grant: VoiceRoomGrant | null, kind: VideoKind): boolean =>
  grant !== null && grant.canPublish && grant.sources.includes(SOURCE_OF[kind]);

/** Why `kind` cannot be used under `grant`, in words for the visitor. */
export function refusal(grant: VoiceRoomGrant | null, kind: VideoKind): string {
  if (grant === null) return `Your ${NAME_OF[kind]} needs voice, which is not available here right now.`;
  if (!grant.canPublish)
    return grant.kind === 'stage'
      ? `Only those on the stage may use their ${NAME_OF[kind]} here.`
      : `You cannot use your ${NAME_OF[kind]}: a moderator muted you.`;
  return `This world does not allow ${kind === 'camera' ? 'cameras' : 'screen sharing'}.`;
}

/** A device the visitor's browser captures from. */
export type CaptureKind = VideoKind | 'microphone';

const DEVICE_OF: Record<CaptureKind, string> = {
  camera: 'camera',
  screen: 'screen',
  microphone: 'microphone',
};
const CAPTURE_NAME_OF: Record<CaptureKind, string> = { ...NAME_OF, microphone: 'microphone' };

/**
 * What a failed capture means and how to fix it, in words: the browser's DOMException names (the
 * Media Capture spec's) each say what to do; anything else is said plainly, never as the raw error text
 * (kept for the browser's console by the caller).
 */
export function captureProblem(kind: CaptureKind, error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const device = DEVICE_OF[kind];
  const what = CAPTURE_NAME_OF[kind];
  if (name === 'NotAllowedError')
    return kind === 'screen'
      ? 'Screen sharing was cancelled or not allowed by the browser.'
      : `The browser did not allow the ${device}: allow it for this site (the ${device} icon in the address bar) and try again.`;
  if (name === 'NotFoundError') return `No ${device} was found on this device.`;
  if (name === 'NotReadableError')
    return `The ${device} is in use by another program (or blocked by the system); close it and try again.`;
  if (name === 'OverconstrainedError')
    return `The ${device} cannot give what was asked of it; choose another ${device} in the browser's settings.`;
  if (name === 'SecurityError')
    return `Your ${what} needs https (or localhost): put TLS in front of the server (see docs/voice.md).`;
  if (name === 'AbortError') return `Your ${what} stopped while starting; try again.`;
  return `Your ${what} could not be started; check the browser's permissions for this site and the device, then try again.`;
}

/**
 * Why voice could not connect, in words. `step` is what failed: asking this server for a voice token
 * (its refusal is already worded, in `detail`; a network failure is not) or reaching the voice server.
 */
export function voiceConnectProblem(step: 'token' | 'connect', error: unknown, retryInS: number): string {
  if (step === 'token' && error instanceof VoiceTokenRefused)
    return `Voice is not available: ${error.detail.replace(/[.\s]*$/, '.')} Trying again in ${retryInS} s.`;
  if (step === 'token')
    return `Voice cannot connect right now: this server could not be reached. Trying again in ${retryInS} s.`;
  return `Voice cannot connect right now: the voice server could not be reached (if this lasts, the operator should check LiveKit: docs/voice.md). Trying again in ${retryInS} s.`;
}

/** This server refused a voice token: its problem's detail says why, in words. */
export class VoiceTokenRefused extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'VoiceTokenRefused';
  }
}
