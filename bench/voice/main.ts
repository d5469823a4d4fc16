/**
 * `npm run bench:voice -- --participants N [--seconds S]`
 *
 * Voice on a real LiveKit server (the one `npm run voice:install` builds, started here on free ports with
 * its webhooks sent to the built server, started here too). N rtc-node bots publishing tones (their LiveKit
 * sides spread over a few link processes, bench/voice/link-processes.ts) stand as 4 groups plus walkers
 * crossing between groups every 10 s (bench/voice/scenario.ts), once in a world with proximity voice
 * (ours: the server assigns islands) and once in a world with one LiveKit room for everyone (the
 * baseline, what Hyperfy does). Prints a readable summary, then, as its last line, one JSON
 * object with the figures and the baseline's.
 */
import { restoreNodeEnv } from './quiet-rtc-node.js';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLiveKitBinary, startLiveKitProcess } from '../../server/voice/dev-livekit/livekit-process.js';
import { freePort, freeUdpPort, startBenchServer } from '../shared/server-process.js';
import { linkProcesses } from './link-processes.js';
import { runScenario, type VoiceFigures } from './scenario.js';

function usage(message: string): never {
  process.stderr.write(
    `bench:voice: ${message}\nusage: npm run bench:voice -- --participants N (9 to 200, default 36) [--seconds S (20 to 600, default 40)] [--listeners-per-group L (1 to 50, default 2)] [--link-processes P (processes for the bots that only speak, 1 to 16, default one per 9 participants; the listeners get two more)]\n`,
  );
  process.exit(2);
}

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    usage(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return parsed;
}

async function api(base: string, route: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`bench:voice: POST ${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

process.on('uncaughtException', (error: Error) => {
  process.stderr.write(`bench:voice: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

// Stopped half way: exit, so the server and LiveKit children are killed by their exit hooks.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

async function main(): Promise<void> {
  restoreNodeEnv();
  const { values } = parseArgs({
    options: {
      participants: { type: 'string' },
      seconds: { type: 'string' },
      'listeners-per-group': { type: 'string' },
      'link-processes': { type: 'string' },
    },
    strict: true,
  });
  const participants = wholeNumber('participants', values.participants, 36, 9, 200);
  const seconds = wholeNumber('seconds', values.seconds, 40, 20, 600);
  const listenersPerGroup = wholeNumber('listeners-per-group', values['listeners-per-group'], 2, 1, 50);
  const processCount = wholeNumber(
    'link-processes',
    values['link-processes'],
    Math.min(16, Math.ceil(participants / 9)),
    1,
    16,
  );
  const log = (line: string): void => void process.stderr.write(`${line}\n`);

  const binary = process.env.LIVEKIT_SERVER_BINARY || defaultLiveKitBinary();
  if (!existsSync(binary))
    usage(`the LiveKit server is not installed at ${binary}: run \`npm run voice:install\` first`);
  const apiKey = 'APIbench';
  const apiSecret = randomBytes(24).toString('base64url');
  const ports = { port: await freePort(), tcpPort: await freePort(), udpPort: await freeUdpPort() };
  const server = await startBenchServer({
    LIVEKIT_URL: `ws://127.0.0.1:${ports.port}`,
    LIVEKIT_API_KEY: apiKey,
    LIVEKIT_API_SECRET: apiSecret,
    // Every bot is a guest from this one address, asking for voice tokens as it moves.
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_VOICE_TOKENS_PER_MINUTE: '100000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
  });
  const livekit = await startLiveKitProcess({
    binary,
    workDir: path.join(await mkdtemp(path.join(os.tmpdir(), 'mib-bench-voice-')), 'livekit'),
    apiKey,
    apiSecret,
    ...ports,
    webhookUrl: `${server.url}/livekit/webhook`,
  });
  const links = linkProcesses(processCount, 'packets', log);
  try {
    const owner = (await api(server.url, '/auth/register', {
      email: 'voice-bench@example.com',
      password: 'a-long-benchmark-password',
      displayName: 'Bench owner',
    })) as { accessToken: string };
    await api(server.url, '/orgs', { slug: 'bench', name: 'Bench' }, owner.accessToken);
    for (const [slug, voiceMode] of [
      ['voice-islands', 'proximity'],
      ['voice-global', 'global'],
    ] as const)
      await api(
        server.url,
        '/orgs/bench/worlds',
        { slug, name: slug, visibility: 'public', voiceMode },
        owner.accessToken,
      );
    const run = (world: string): Promise<VoiceFigures> => {
      log(`bench:voice: ${participants} participants in ${world}, ${seconds} s window`);
      return runScenario({
        serverUrl: server.url,
        world,
        participants,
        seconds,
        ownerToken: owner.accessToken,
        listenersPerGroup,
        newLink: links.newLink,
        serverPid: server.pid,
        livekitPid: livekit.pid,
        log,
      });
    };
    const ours = await run('voice-islands');
    const baseline = await run('voice-global');
    const figures = {
      ...ours,
      rtcNodeHandleErrors: links.handleErrors(),
      linkProcesses: processCount,
      subscriptionsRatio: Number(
        (ours.subscriptionsPerParticipant / Math.max(1e-9, baseline.subscriptionsPerParticipant)).toFixed(3),
      ),
      baseline,
    };
    log('');
    log(`  islands ${ours.islands} (${ours.islandSizes.join(', ')}); baseline ${baseline.islands}`);
    log(
      `  join p50/p99 ${ours.joinMsP50}/${ours.joinMsP99} ms (baseline ${baseline.joinMsP50}/${baseline.joinMsP99})`,
    );
    log(
      `  reassign p50/p99 ${ours.reassignMsP50}/${ours.reassignMsP99} ms over ${ours.reassignSamples} crossings (${ours.reassignUnfinished} unfinished by the next crossing)`,
    );
    log(
      `  wrong pairs heard ${ours.wrongPairsHeard} (baseline ${baseline.wrongPairsHeard}); missed ${ours.missedPairs}`,
    );
    log(
      `  subscriptions per participant ${ours.subscriptionsPerParticipant} vs ${baseline.subscriptionsPerParticipant} (ratio ${figures.subscriptionsRatio})`,
    );
    log(
      `  join timeouts ${ours.joinTimeouts} (baseline ${baseline.joinTimeouts}); listeners ${ours.listeners}`,
    );
    log(`  down kbps p50 ${ours.downKbpsPerParticipantP50} vs ${baseline.downKbpsPerParticipantP50}`);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await links.close();
    await livekit.stop();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:voice: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
