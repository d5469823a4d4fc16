/**
 * The container image an operator builds: infra/Dockerfile, built here with Debian's podman from the
 * repository as it is (no registry is reachable, so `npm run services` made a stand-in for the official
 * Node base under the official name; `--pull=never` makes sure nothing else is used), then run against the
 * host's PostgreSQL and Redis. It must answer /healthz and /readyz as a non-root user, carry its labels,
 * healthcheck and data volume, and drain and exit 0 on `podman stop`; on its embedded defaults it runs
 * PostgreSQL inside the container, in the data volume. Size and build times go to
 * test-artifacts/image.json (the build is cold when this machine's layer cache is empty; a warm rebuild is
 * not timed here: it is the same build again, a minute of CI for a figure nothing checks).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ARTIFACTS_DIR } from '../helpers/browser.js';
import { createPostgresSchema, createRedisDatabase, type PostgresSchema } from '../helpers/services.js';
import { freePort } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);
const IMAGE = 'localhost/metaverse-in-a-box:test';
/** What this machine's podman needs (crun fails on its hybrid cgroups; default ulimits are refused). */
const RUNTIME = ['--runtime', 'runc'];
const ULIMITS = ['--ulimit', 'nofile=10000:10000', '--ulimit', 'nproc=4096:4096'];

let schema: PostgresSchema;
let container: string | undefined;
const report: Record<string, unknown> = {};

function podman(args: string[]): string {
  return execFileSync('podman', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
}

function baseImage(): string {
  const version = execFileSync(process.execPath, ['-p', "require('./package.json').devDependencies.node"], {
    encoding: 'utf8',
  }).trim();
  const image = `docker.io/library/node:${version}-bookworm-slim`;
  try {
    podman(['image', 'exists', image]);
  } catch {
    throw new Error(
      `the base image ${image} is missing: run \`npm run services\` (scripts/container-base.sh makes it)`,
    );
  }
  return image;
}

/** The host's npm cache folder (`npm config get cache`). */
function npmCache(): string {
  return execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
}

/** podman build of infra/Dockerfile from the repository root; resolves with the seconds it took. */
async function build(): Promise<number> {
  // Behind a TLS-inspecting proxy (these machines), npm in the build needs the host's CA bundle.
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  const started = performance.now();
  await run(
    'podman',
    [
      'build',
      ...RUNTIME,
      ...['--isolation', 'chroot', '--pull=never', '--format', 'docker', ...ULIMITS],
      ...(ca
        ? ['-v', `${ca}:/run/host-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/run/host-ca.crt']
        : []),
      // npm's downloads from the host's cache (filled by the checkout's own `npm ci`), not the registry again.
      ...['-v', `${npmCache()}:/run/npm-cache`, '--build-arg', 'NPM_CACHE=/run/npm-cache'],
      ...[
        '--build-arg',
        `REVISION=${execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()}`,
      ],
      ...['-f', 'infra/Dockerfile', '-t', IMAGE, '.'],
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return (performance.now() - started) / 1000;
}

beforeAll(async () => {
  schema = await createPostgresSchema();
});

afterAll(async () => {
  if (container) await run('podman', ['rm', '-f', container]).catch(() => undefined);
  await schema?.drop();
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(path.join(ARTIFACTS_DIR, 'image.json'), `${JSON.stringify(report, null, 2)}\n`);
});

describe('the container image (infra/Dockerfile, built and run with podman)', () => {
  it('builds from the repository with only the (stand-in) official base', async () => {
    report.base = baseImage();
    report.firstBuildSeconds = Math.round(await build());
    const [inspected] = JSON.parse(podman(['image', 'inspect', IMAGE])) as Array<{
      Size: number;
      /** Podman reports the healthcheck beside Config (kept because the image is built in docker format). */
      Healthcheck?: { Test?: string[] };
      Config: {
        User?: string;
        Labels?: Record<string, string>;
        Volumes?: Record<string, unknown>;
        StopSignal?: string;
      };
    }>;
    report.sizeMB = Math.round(inspected!.Size / 1e6);
    console.log(`image: ${JSON.stringify(report)}`);
    const config = inspected!.Config;
    expect(config.User).toBe('node');
    expect(Object.keys(config.Volumes ?? {})).toEqual(['/data']);
    expect(inspected!.Healthcheck?.Test?.join(' ')).toMatch(/\/healthz/);
    expect(config.StopSignal).toBe('SIGTERM');
    expect(config.Labels).toEqual(
      expect.objectContaining({
        'org.opencontainers.image.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
        'org.opencontainers.image.source': expect.stringMatching(/^https:\/\//),
        'org.opencontainers.image.revision': expect.stringMatching(/^[0-9a-f]{40}$/),
      }),
    );
    // Production dependencies only.
    const listed = podman(['run', '--rm', ...RUNTIME, ...ULIMITS, IMAGE, 'ls', 'node_modules']);
    expect(listed.split('\n')).toEqual(expect.arrayContaining(['@nestjs', 'pg', 'zod']));
    expect(listed.split('\n')).not.toEqual(expect.arrayContaining(['jest', 'vite', 'eslint']));
  }, 600_000);

  it('answers /healthz and /readyz as a non-root user with the host\u2019s PostgreSQL and Redis, and drains on stop', async () => {
    const port = await freePort();
    container = podman([
      ...['run', '-d', ...RUNTIME, ...ULIMITS, '--network', 'host'],
      ...['-e', `PORT=${port}`, '-e', 'HOST=127.0.0.1'],
      ...['-e', `DATABASE_URL=${schema.url}`, '-e', `REDIS_URL=${await createRedisDatabase()}`],
      ...['-e', `PUBLIC_URL=http://127.0.0.1:${port}`],
      IMAGE,
    ]);
    const url = `http://127.0.0.1:${port}`;
    const ready = await waitFor(
      () =>
        fetch(`${url}/readyz`).then(
          (response) => response.status,
          () => 0,
        ),
      (status) => status === 200,
      { what: 'the container to be ready', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(ready).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    expect(podman(['exec', container, 'id', '-u'])).toBe('1000');
    expect(podman(['exec', container, 'sh', '-c', 'touch /data/probe && echo writable'])).toBe('writable');

    // podman stop sends SIGTERM: the server drains and exits 0.
    podman(['stop', '-t', '20', container]);
    const exitCode = podman(['inspect', container, '--format', '{{.State.ExitCode}}']);
    expect(exitCode).toBe('0');
    expect(podman(['logs', container])).toContain('shutdown complete');
  }, 120_000);

  it('runs on its embedded defaults (PostgreSQL inside the container, in the data volume)', async () => {
    const port = await freePort();
    const embedded = podman([
      ...['run', '-d', ...RUNTIME, ...ULIMITS, '--network', 'host'],
      ...['-e', `PORT=${port}`, '-e', 'HOST=127.0.0.1'],
      IMAGE,
    ]);
    try {
      const url = `http://127.0.0.1:${port}`;
      const ready = await waitFor(
        () =>
          fetch(`${url}/readyz`).then(
            async (response) => (response.ok ? ((await response.json()) as { checks: object }) : null),
            () => null,
          ),
        Boolean,
        { what: 'the container to be ready on its embedded database', timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(ready!.checks).toMatchObject({ database: 'ok' });
      expect(podman(['logs', embedded])).toMatch(/"database":"embedded-postgres"/);
      expect(
        podman(['exec', embedded, 'sh', '-c', 'test -f /data/postgres/PG_VERSION && echo cluster']),
      ).toBe('cluster');
    } finally {
      podman(['rm', '-f', '-t', '5', embedded]);
    }
  }, 120_000);
});
