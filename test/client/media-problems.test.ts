/**
 * What a visitor is told when camera or screen share cannot be used: each cause named, with the fix. (The
 * browser's own refusals cannot be provoked in headless Chromium, which hangs on a real permission prompt,
 * so the mapping of its DOMException names is tested here.)
 */
import { describe, expect, it } from '@jest/globals';
import type { VoiceRoomGrant } from '../../protocol/index.js';
import { allows, captureProblem, refusal } from '../../client/src/shared/voice/media-problems.js';

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
      'Your screen share could not be started: device lost',
    );
  });
});
