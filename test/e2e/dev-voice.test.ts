/**
 * `npm start`'s own voice: the server starts the embedded LiveKit (DEV_VOICE=on, the binary `npm run
 * services` builds), visitors are told to reach it through the server's own port (/livekit-signal), and
 * two bots in the demo world hear each other through that proxy. Then LiveKit is killed mid-visit: the
 * world keeps serving, /readyz says degraded (still 200), the server starts LiveKit again by itself, and
 * voice works again with fresh tokens.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freeUdpPort, liveKitBinary } from '../helpers/livekit-server.js';
import { freePort, startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { HEARD_RMS, levelOf, voiceBots, type VoiceBots } from '../helpers/voice-bots.js';
import { joinWorld } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let server: ServerProcess;
let dataDir: string;
let bots: VoiceBots;

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServerProcess({
    DATA_DIR: dataDir,
    DEV_VOICE: 'on',
    LIVEKIT_SERVER_BINARY: liveKitBinary(),
    DEV_VOICE_PORT: String(await freePort()),
    DEV_VOICE_TCP_PORT: String(await freePort()),
    DEV_VOICE_UDP_PORT: String(await freeUdpPort()),
  });
  bots = voiceBots(server.url);
}, 90_000);
afterAll(async () => {
  await bots?.close();
  await server?.stop();
});

interface Readiness {
  status: string;
  checks: Record<string, string>;
}

async function readiness(): Promise<{ code: number; body: Readiness }> {
  const response = await fetch(`${server.url}/readyz`);
  return { code: response.status, body: (await response.json()) as Readiness };
}

describe('the embedded dev LiveKit (npm start)', () => {
  it('gives voice through the server’s own port, and comes back by itself after a crash', async () => {
    expect(await readiness()).toEqual({
      code: 200,
      body: { status: 'ready', checks: { accepting: 'ok', database: 'ok', presence: 'ok', livekit: 'ok' } },
    });
    const ada = await bots.bot('Ada');
    const token = (await (await bots.voiceToken(ada, ada.voiceRoom)).json()) as { url: string };
    expect(token.url).toBe('/livekit-signal');
    const bob = await bots.bot('Bob');
    await waitFor(
      () => levelOf(bob, ada),
      (level) => level > HEARD_RMS,
      {
        what: 'Bob hearing Ada through /livekit-signal',
        timeoutMs: 20_000,
      },
    );
    await waitFor(
      () => levelOf(ada, bob),
      (level) => level > HEARD_RMS,
      {
        what: 'Ada hearing Bob',
        timeoutMs: 20_000,
      },
    );

    // LiveKit hangs mid-visit (stopped, not dead): voice is degraded, the world serves on.
    const pidFile = path.join(dataDir, 'voice', 'livekit', 'livekit.pid');
    const hung = Number(await readFile(pidFile, 'utf8'));
    process.kill(hung, 'SIGSTOP');
    try {
      const down = await waitFor(readiness, (r) => r.body.status === 'degraded', {
        what: '/readyz reporting LiveKit down',
        timeoutMs: 15_000,
      });
      expect(down.code).toBe(200);
      expect(down.body.checks).toMatchObject({ database: 'ok', presence: 'ok' });
      expect(down.body.checks.livekit).toMatch(/^unavailable/);
      const newcomer = await joinWorld(server.url, { name: 'Newcomer' });
      expect(newcomer.sessionId).toBeTruthy();
      await newcomer.leave();
    } finally {
      process.kill(hung, 'SIGCONT');
    }
    await waitFor(readiness, (r) => r.body.status === 'ready', { what: 'LiveKit answering again' });

    // LiveKit dies mid-visit: the server starts it again by itself.
    process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL');
    await waitFor(
      () => server.output(),
      (out) => out.includes('embedded LiveKit server running again'),
      {
        what: 'the server restarting its LiveKit',
        timeoutMs: 20_000,
      },
    );
    expect(await readiness()).toMatchObject({ code: 200, body: { status: 'ready' } });
    await ada.rejoinVoice();
    await bob.rejoinVoice();
    await waitFor(
      () => levelOf(bob, ada),
      (level) => level > HEARD_RMS,
      {
        what: 'Bob hearing Ada again after LiveKit came back',
        timeoutMs: 20_000,
      },
    );
  });
});
