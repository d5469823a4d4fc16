/**
 * What the visitor is told when their camera or screen share cannot be used: why (the world, a mute, the
 * stage, the browser, the device) and what to do about it. Pure, so the wording is tested without a browser.
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

/** What a failed capture means and how to fix it. */
export function captureProblem(kind: VideoKind, error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const device = kind === 'camera' ? 'camera' : 'screen';
  if (name === 'NotAllowedError')
    return kind === 'camera'
      ? 'The browser did not allow the camera: allow it for this site (the camera icon in the address bar) and try again.'
      : 'Screen sharing was cancelled or not allowed by the browser.';
  if (name === 'NotFoundError') return `No ${device} was found on this device.`;
  if (name === 'NotReadableError')
    return `The ${device} is in use by another program (or blocked by the system); close it and try again.`;
  return `Your ${NAME_OF[kind]} could not be started: ${error instanceof Error ? error.message : String(error)}`;
}
