/**
 * infra/akash (an Akash Network SDL 2.0) and infra/akash/init.sh, with no Akash here: init.sh fills the
 * template with fresh secrets (kept on later runs) and refuses what is missing; the SDL passes Akash's own
 * validator and manifest builder (@akashnetwork/chain-sdk, the code the Akash Console deploys with), and the
 * cross-checks its schema cannot do — profiles and prices for every service, persistent volumes that exist
 * in their profile, exposures naming real services, an upload limit under the ingress' — and the server's
 * and backup's environments parse as those programs parse them.
 */
import { describe, expect, it } from '@jest/globals';
import { generateManifest, validateSDL, type SDLInput } from '@akashnetwork/chain-sdk';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../server/config/app-config.js';
import { parseBackupTarget } from '../../server/ops/backup-config.js';
import { runInit } from '../helpers/env-file.js';
import { tempDir } from '../helpers/server-process.js';

const SETTINGS = {
  IMAGE: 'registry.example.com/metaverse-in-a-box:0.1.0',
  BACKUP_IMAGE: 'registry.example.com/metaverse-in-a-box-backup:0.1.0',
  ASSET_S3_BUCKET: 'mib-assets',
  ASSET_S3_ENDPOINT: 'https://gateway.storjshare.io',
  ASSET_S3_ACCESS_KEY_ID: 'asset-key',
  ASSET_S3_SECRET_ACCESS_KEY: 'asset-secret',
  BACKUP_S3_URL: 's3://mib-backups/nightly/',
  BACKUP_S3_ENDPOINT: 'https://s3.filebase.com',
  BACKUP_S3_ACCESS_KEY_ID: 'backup-key',
  BACKUP_S3_SECRET_ACCESS_KEY: 'backup-secret',
};

interface Storage {
  name?: string;
  size: string;
  attributes?: { persistent?: boolean; class?: string };
}
interface Sdl {
  services: Record<
    string,
    {
      image: string;
      env?: string[];
      args?: string[];
      expose?: {
        port: number;
        http_options?: { max_body_size?: number };
        to?: { service?: string; global?: boolean }[];
      }[];
      params?: { storage?: Record<string, { mount: string }> };
    }
  >;
  profiles: {
    compute: Record<string, { resources: { storage: Storage | Storage[] } }>;
    placement: Record<string, { pricing: Record<string, unknown> }>;
  };
  deployment: Record<string, Record<string, { profile: string; count: number }>>;
}

async function akashCopy(): Promise<string> {
  const dir = path.join(await tempDir('mib-akash-'), 'akash');
  cpSync(path.resolve('infra/akash'), dir, {
    recursive: true,
    filter: (from) => !/\/(\.env|deploy\.yaml)$/.test(from),
  });
  return dir;
}

const init = runInit;

async function rendered(): Promise<{ dir: string; text: string; sdl: Sdl }> {
  const dir = await akashCopy();
  init(dir, SETTINGS, 'worlds.example.com', 'ops@example.com');
  const text = readFileSync(path.join(dir, 'deploy.yaml'), 'utf8');
  return { dir, text, sdl: parse(text) as Sdl };
}

const envOf = (lines: string[] = []): Record<string, string> =>
  Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

/** What Akash's schema cannot check: every problem, naming the service. */
function crossCheckProblems(sdl: Sdl): string[] {
  const problems: string[] = [];
  const placed = Object.entries(sdl.deployment);
  for (const [name, service] of Object.entries(sdl.services)) {
    const placements = placed.find(([deployed]) => deployed === name)?.[1];
    if (!placements) {
      problems.push(`${name}: no deployment entry`);
      continue;
    }
    for (const [placement, { profile }] of Object.entries(placements)) {
      const compute = sdl.profiles.compute[profile];
      if (!sdl.profiles.placement[placement]?.pricing[profile])
        problems.push(`${name}: placement "${placement}" prices no "${profile}"`);
      if (!compute) {
        problems.push(`${name}: compute profile "${profile}" does not exist`);
        continue;
      }
      const storages = [compute?.resources.storage ?? []].flat();
      for (const volume of Object.keys(service.params?.storage ?? {})) {
        const declared = storages.find((storage) => storage.name === volume);
        if (!declared) problems.push(`${name}: volume "${volume}" is not in profile "${profile}"`);
        else if (declared.attributes?.persistent !== true)
          problems.push(`${name}: volume "${volume}" is not persistent`);
      }
    }
    for (const expose of service.expose ?? [])
      for (const to of expose.to ?? [])
        if (to.service && !sdl.services[to.service])
          problems.push(`${name}: exposes ${expose.port} to unknown "${to.service}"`);
  }
  return problems;
}

describe('infra/akash/init.sh', () => {
  it('fills every name with fresh secrets kept on later runs, and names what is missing', async () => {
    const dir = await akashCopy();
    init(dir, SETTINGS, 'worlds.example.com');
    const first = readFileSync(path.join(dir, 'deploy.yaml'), 'utf8');
    expect(first).not.toContain('{{');
    init(dir, SETTINGS, 'worlds.example.com');
    expect(readFileSync(path.join(dir, 'deploy.yaml'), 'utf8')).toBe(first);
    const other = await akashCopy();
    init(other, SETTINGS, 'worlds.example.com');
    expect(readFileSync(path.join(other, 'deploy.yaml'), 'utf8')).not.toBe(first);
    const { BACKUP_S3_URL: _url, ...withoutBackup } = SETTINGS;
    expect(() => init(dir, withoutBackup, 'worlds.example.com')).toThrow(
      /set BACKUP_S3_URL: where the backups go/,
    );
    expect(() => init(dir, { ...SETTINGS, IMAGE: 'bad image' }, 'worlds.example.com')).toThrow(
      /IMAGE holds a character/,
    );
    expect(() => init(dir, SETTINGS, 'not a domain')).toThrow(/is not a domain name/);
  });
});

describe('infra/akash/deploy.yaml', () => {
  it("passes Akash's validator and manifest builder, and the cross-checks", async () => {
    const { sdl } = await rendered();
    expect(validateSDL(sdl as unknown as SDLInput) ?? []).toEqual([]);
    const manifest = generateManifest(sdl as unknown as SDLInput);
    expect(manifest.ok).toBe(true);
    if (manifest.ok)
      expect(
        manifest.value.groups.flatMap((group) => group.services.map((service) => service.name)).sort(),
      ).toEqual(['backup', 'postgres', 'redis', 'server']);
    expect(crossCheckProblems(sdl)).toEqual([]);
  });

  it('catches planted mistakes: a misspelt key, a missing profile, a volume no profile declares', async () => {
    const { sdl } = await rendered();
    const misspelt = structuredClone(sdl) as unknown as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    misspelt.services!.redis!.imagee = 'redis';
    expect(validateSDL(misspelt as unknown as SDLInput)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/imagee/) as unknown }),
    ]);
    const noProfile = structuredClone(sdl);
    noProfile.deployment.redis!.akash!.profile = 'nope';
    expect(generateManifest(noProfile as unknown as SDLInput).ok).not.toBe(true);
    expect(crossCheckProblems(noProfile)).toEqual([
      'redis: placement "akash" prices no "nope"',
      'redis: compute profile "nope" does not exist',
    ]);
    const volume = structuredClone(sdl);
    volume.services.postgres!.params!.storage!.elsewhere = { mount: '/elsewhere' };
    volume.services.server!.expose![0]!.to = [{ service: 'nobody' }];
    expect(crossCheckProblems(volume)).toEqual([
      'server: exposes 2567 to unknown "nobody"',
      'postgres: volume "elsewhere" is not in profile "postgres"',
    ]);
  });

  it("gives the server a configuration it parses, uploads under the ingress' limit, and the backup its bucket", async () => {
    const { dir, sdl } = await rendered();
    const server = sdl.services.server!;
    const config = parseConfig(envOf(server.env), dir);
    expect(config.publicUrl).toBe('https://worlds.example.com');
    expect(config.databaseUrl).toMatch(/^postgres:\/\/mib:[A-Za-z0-9]{32}@postgres:5432\/mib$/);
    expect(config.assets.s3).toMatchObject({
      bucket: 'mib-assets',
      endpoint: 'https://gateway.storjshare.io',
    });
    expect(config.assets.uploadMaxBytes).toBeLessThan(server.expose![0]!.http_options!.max_body_size!);
    const backup = sdl.services.backup!;
    expect(backup.image).toBe(SETTINGS.BACKUP_IMAGE);
    expect(backup.args).toEqual(['backup', '--every', '24h']);
    expect(parseBackupTarget(envOf(backup.env))).toMatchObject({ bucket: 'mib-backups', prefix: 'nightly/' });
    expect(envOf(backup.env).DATABASE_URL).toBe(config.databaseUrl);
    // PostgreSQL's and Redis's data are on persistent volumes; the password is the one the server uses.
    expect(envOf(sdl.services.postgres!.env).POSTGRES_PASSWORD).toBe(new URL(config.databaseUrl!).password);
    expect(Object.keys(sdl.services.postgres!.params!.storage!)).toEqual(['pgdata']);
    expect(Object.keys(sdl.services.redis!.params!.storage!)).toEqual(['redisdata']);
  });
});
