/**
 * Without LiveKit configured (the embedded default), visitors are told voice is off and why, and the voice
 * endpoints answer 503 naming the settings; nothing else changes.
 */
import { describe, expect, it } from '@jest/globals';
import { guestAccount } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

describe('without LiveKit', () => {
  it('tells visitors voice is off and why, and answers 503 for tokens and webhooks', async () => {
    const plain = await startInProcessServer();
    try {
      const guest = await guestAccount(plain.url, 'Jo');
      const visitor = await joinWorld(plain.url, { name: 'Jo' }, guest.token);
      await waitFor(() => visitor.voice.at(-1), Boolean, { what: 'the voice message' });
      expect(visitor.voice.at(-1)).toEqual({
        enabled: false,
        off: expect.stringMatching(/operator sets LIVEKIT_URL/),
      });
      const token = await fetch(`${plain.url}/voice/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.token}` },
        body: JSON.stringify({ sessionId: visitor.sessionId, room: 'x' }),
      });
      expect(token.status).toBe(503);
      expect(await token.json()).toMatchObject({ type: 'urn:mib:problem:unavailable' });
      const hook = await fetch(`${plain.url}/livekit/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/webhook+json' },
        body: '{}',
      });
      expect(hook.status).toBe(503);
      await visitor.leave();
    } finally {
      await plain.close();
    }
  });
});
