/**
 * infra/compose.yaml and infra/init.sh, checked without a container engine able to pull its images (no
 * registry is reachable here): init.sh writes fresh secrets once and keeps them after; the compose file,
 * interpolated with them as compose does, is valid against the compose-spec schema (the one Docker's own
 * compose embeds); it refuses to start without them; every long-running service has a healthcheck so
 * `up --wait` means ready; the proxy renders the template the topology test runs, with one route per
 * server process matching that process's PUBLIC_ROOM_PATH.
 */
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseBackupTarget } from '../../server/ops/backup-config.js';
import { parsePeriod } from '../../server/ops/period.js';
import { composeSpecSchema } from '../helpers/compose-spec.js';
import { readEnv } from '../helpers/env-file.js';
import { tempDir } from '../helpers/server-process.js';

interface Service {
  image?: string;
  entrypoint?: string[] | string;
  command?: string[] | string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
}

/** Compose's interpolation: ${VAR}, ${VAR:?message}, ${VAR:-default}, and $$ for a literal $. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g,
    (match, name?: string, kind?: string, rest?: string) => {
      if (match === '$$') return '$';
      const value = env[name!];
      if (value) return value;
      if (kind === '?') throw new Error(`required variable ${name} is missing a value: ${rest}`);
      return kind === '-' ? rest! : '';
    },
  );
}

/** A copy of infra/ where init.sh may write. */
async function infraCopy(): Promise<string> {
  const dir = path.join(await tempDir('mib-infra-'), 'infra');
  cpSync(path.resolve('infra'), dir, { recursive: true, filter: (from) => !/\/(\.env|certs)$/.test(from) });
  return dir;
}

const init = (dir: string, ...args: string[]): string =>
  execFileSync('sh', [path.join(dir, 'init.sh'), ...args], { encoding: 'utf8' });

describe('infra/init.sh and infra/compose.yaml', () => {
  it('init.sh writes fresh secrets and a certificate once, keeps them on a second run, and refuses a bad domain', async () => {
    const dir = await infraCopy();
    init(dir, 'worlds.example.com');
    const first = readEnv(path.join(dir, '.env'));
    expect(first.DOMAIN).toBe('worlds.example.com');
    expect(first.AUTH_SECRET!.length).toBeGreaterThanOrEqual(32);
    init(dir, 'worlds.example.com');
    expect(readEnv(path.join(dir, '.env'))).toEqual(first);
    expect(readFileSync(path.join(dir, 'certs', 'fullchain.pem'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);

    const other = await infraCopy();
    init(other, 'worlds.example.com');
    const second = readEnv(path.join(other, '.env'));
    for (const name of ['AUTH_SECRET', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'LIVEKIT_API_SECRET'])
      expect(second[name]).not.toBe(first[name]);

    expect(() => execFileSync('sh', [path.join(dir, 'init.sh'), 'not a domain'], { stdio: 'pipe' })).toThrow(
      /is not a domain name/,
    );
  });

  it('is valid compose (the compose-spec schema) once interpolated, and refuses to start without init.sh', async () => {
    const dir = await infraCopy();
    const text = readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    expect(() => interpolate(text, {})).toThrow(/run infra\/init\.sh/);

    init(dir, 'worlds.example.com', 'ops@example.com');
    const compose = parse(interpolate(text, readEnv(path.join(dir, '.env'))), { merge: true }) as ComposeFile;
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(composeSpecSchema());
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema does catch mistakes (a misspelt key, a wrong type).
    const broken = { ...compose, services: { ...compose.services, proxy: { imagee: 'nginx', restart: 1 } } };
    expect(validate(broken)).toBe(false);
  });

  it('backs up every 24 h with the ops command, to a bucket init.sh names, on the settings it parses', async () => {
    const dir = await infraCopy();
    init(dir, 'worlds.example.com');
    const env = readEnv(path.join(dir, '.env'));
    const text = readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    const compose = parse(interpolate(text, env), { merge: true }) as ComposeFile & {
      services: Record<string, Service & { build?: { target?: string } }>;
    };
    const backup = compose.services.backup!;
    expect(backup.build?.target).toBe('backup');
    expect(backup.command).toEqual(['backup', '--every', '24h']);
    expect(parsePeriod('24h')).toBe(86_400_000);
    expect(parseBackupTarget(backup.environment!)).toEqual({
      bucket: 'mib-backups',
      prefix: 'nightly/',
      region: 'us-east-1',
      endpoint: 'http://minio:9000',
      credentials: { accessKeyId: env.MINIO_ROOT_USER, secretAccessKey: env.MINIO_ROOT_PASSWORD },
    });
    // The same database and asset store as the servers; the bucket is made with the assets' one.
    expect(backup.environment!.DATABASE_URL).toBe(compose.services['mib-1']!.environment!.DATABASE_URL);
    expect(backup.environment!.ASSET_S3_BUCKET).toBe(compose.services['mib-1']!.environment!.ASSET_S3_BUCKET);
    expect(String(compose.services['minio-bucket']!.entrypoint)).toContain(
      'mc mb --ignore-existing local/mib-backups',
    );
    // The Dockerfile's backup target runs the ops command on PostgreSQL's own image.
    const dockerfile = readFileSync('infra/Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^FROM \$\{POSTGRES_IMAGE\} AS backup$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/server\/ops\/main\.js"\]$/m);
    expect(dockerfile.trimEnd().split('\n').at(-1)).toBe('FROM runtime');
  });

  it('has healthchecks for `up --wait`, no shipped secrets, and one proxy route per server process', async () => {
    const compose = parse(readFileSync('infra/compose.yaml', 'utf8'), { merge: true }) as ComposeFile;
    const { services } = compose;
    for (const name of ['mib-1', 'mib-2', 'proxy', 'postgres', 'redis', 'minio'])
      expect([name, services[name]?.healthcheck?.test.length ?? 0]).toEqual([name, expect.any(Number)]);
    for (const name of ['mib-1', 'mib-2']) {
      expect(services[name]!.healthcheck!.test.join(' ')).toContain('/readyz');
      expect(services[name]!.volumes).toEqual([`${name}-data:/data`]);
    }
    // Every secret comes from infra/.env (init.sh); none is written in the file.
    const secrets = Object.entries(services).flatMap(([, service]) =>
      Object.entries(service.environment ?? {}).filter(
        ([key]) => /PASSWORD|SECRET|_KEY/.test(key) && !key.startsWith('PROXY_TLS'),
      ),
    );
    expect(secrets.length).toBeGreaterThan(5);
    for (const [key, value] of secrets)
      expect([key, value]).toEqual([key, expect.stringMatching(/^\$\{[A-Z0-9_]+(:\?[^}]*)?\}$/)]);

    // The proxy renders infra/proxy/nginx.conf.template at start; its routes are the processes' paths.
    const proxy = services.proxy!;
    expect(String(proxy.command)).toContain('/proxy/render.sh');
    expect(proxy.volumes).toContain('./proxy:/proxy:ro');
    const routes = proxy
      .environment!.PROXY_PROCESSES!.split(' ')
      .map((entry) => entry.split('=') as [string, string]);
    expect(routes.map(([route, address]) => [`/${route}`, address.split(':')[0]])).toEqual(
      ['mib-1', 'mib-2'].map((name) => [services[name]!.environment!.PUBLIC_ROOM_PATH, name]),
    );
    // Rendered with compose's own settings: both routes, TLS, and names looked up again as containers
    // are recreated (nginx 1.27.3+: `resolve`; Debian's nginx here is older, so this is not run by nginx).
    const dir = await tempDir('mib-proxy-');
    execFileSync('sh', ['infra/proxy/render.sh', path.join(dir, 'nginx.conf')], {
      env: { PATH: process.env.PATH ?? '', ...proxy.environment, PROXY_SERVER_NAME: 'worlds.example.com' },
    });
    const rendered = readFileSync(path.join(dir, 'nginx.conf'), 'utf8');
    expect(rendered).toMatch(/listen 443 ssl;/);
    expect(rendered).toMatch(/ssl_certificate \/certs\/fullchain\.pem;/);
    expect(rendered).toMatch(/server mib-1:2567 resolve;/);
    expect(rendered).toMatch(/^ {2}resolver \S+ valid=5s/m);
    // LiveKit: one UDP port for media, TCP as the fallback where UDP is blocked.
    expect(services.livekit!.ports).toEqual(expect.arrayContaining(['7881:7881/tcp', '7882:7882/udp']));
  });
});
