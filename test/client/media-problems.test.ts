/**
 * What a visitor is told when camera or screen share cannot be used: each cause named, with the fix. (The
 * browser's own refusals cannot be provoked in headless Chromium, which hangs on a real permission prompt,
 * so the mapping of its DOMException names is tested here.)
 */
import { describe, expect, it } from '@jest/globals';
import type { VoiceRoomGrant } from '../../protocol/index.js';
import {
  allows,
  captureProblem,
  refusal,
  voiceConnectProblem,
  VoiceTokenRefused,
} from '../../client/src/shared/voice/media-problems.js';

const grant = (change: Partial<VoiceRoomGrant>): VoiceRoomGrant => ({
  room: 'w.1.island-1',
  kind: 'island',
  canPublish: true,
  sources: ['microphone', 'camera'],
  ...change,
});
const domError = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('camera and screen share problems', () => {
  it('allows only what the grant names, and only while the visitor may talk', () => {
    expect(allows(grant({}), 'camera')).toBe(true);
    expect(allows(grant({}), 'screen')).toBe(false);
    expect(allows(grant({ canPublish: false }), 'camera')).toBe(false);
    expect(allows(null, 'camera')).toBe(false);
  });

  it('says why the server does not allow it', () => {
    expect(refusal(grant({}), 'screen')).toBe('This world does not allow screen sharing.');
    expect(refusal(grant({ sources: ['microphone'] }), 'camera')).toBe('This world does not allow cameras.');
    expect(refusal(grant({ canPublish: false }), 'camera')).toMatch(/moderator muted you/);
    expect(refusal(grant({ kind: 'stage', canPublish: false }), 'screen')).toMatch(/Only those on the stage/);
    expect(refusal(null, 'camera')).toMatch(/needs voice/);
  });

  it('turns the browser’s refusals into what to do', () => {
    expect(captureProblem('camera', domError('NotAllowedError'))).toMatch(/allow it for this site/);
    expect(captureProblem('screen', domError('NotAllowedError'))).toMatch(/cancelled or not allowed/);
    expect(captureProblem('camera', domError('NotFoundError'))).toBe('No camera was found on this device.');
    expect(captureProblem('camera', domError('NotReadableError'))).toMatch(/in use by another program/);
    expect(captureProblem('screen', domError('AbortError', 'device lost'))).toBe(
      'Your screen share stopped while starting; try again.',
    );
  });

  it('words the microphone’s refusals too, and never shows the raw error text', () => {
    expect(captureProblem('microphone', domError('NotAllowedError'))).toBe(
      'The browser did not allow the microphone: allow it for this site (the microphone icon in the address bar) and try again.',
    );
    expect(captureProblem('microphone', domError('NotFoundError'))).toBe(
      'No microphone was found on this device.',
    );
    expect(captureProblem('microphone', domError('SecurityError'))).toMatch(/needs https/);
    expect(captureProblem('camera', domError('OverconstrainedError'))).toMatch(/choose another camera/);
    const odd = captureProblem('microphone', domError('InternalError', 'pa_stream_connect failed: 0x1f'));
    expect(odd).toMatch(/^Your microphone could not be started; check/);
    expect(odd).not.toMatch(/pa_stream|0x1f/);
  });

  it('says why voice cannot connect: this server’s refusal in its words, the servers unreachable in ours', () => {
    expect(
      voiceConnectProblem('token', new VoiceTokenRefused('voice is off in this world; ask its owner'), 5),
    ).toBe('Voice is not available: voice is off in this world; ask its owner. Trying again in 5 s.');
    expect(voiceConnectProblem('token', new TypeError('Failed to fetch'), 5)).toBe(
      'Voice cannot connect right now: this server could not be reached. Trying again in 5 s.',
    );
    const lost = voiceConnectProblem('connect', new Error('could not establish signal connection'), 5);
    expect(lost).toMatch(/^Voice cannot connect right now: the voice server could not be reached/);
    expect(lost).not.toMatch(/signal connection/);
  });
});
