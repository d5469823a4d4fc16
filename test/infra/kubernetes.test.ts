/**
 * infra/k8s (Kustomize) and infra/k8s/init.sh, with no cluster here: init.sh writes an overlay's files once
 * (fresh secrets kept on later runs, the operator's settings updated) and refuses what is missing; the
 * overlay renders with the pinned Kustomize; every object is valid against Kubernetes' schemas with unknown
 * fields refused; and the objects fit together as a deployment must — probes, drain timing, selectors,
 * routes, autoscaling on the server's own gauge, the server's configuration parsing as the server does.
 */
import { describe, expect, it } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../server/config/app-config.js';
import { parseBackupTarget } from '../../server/ops/backup-config.js';
import { createMetrics } from '../../server/observability/metrics.js';
import { kubeProblems } from '../helpers/kube-validate.js';
import { kustomizeBuild, type KubeObject } from '../helpers/kustomize.js';
import { readEnv, runInit } from '../helpers/env-file.js';
import { tempDir } from '../helpers/server-process.js';
import { nginxBinary } from '../../bench/shared/topology.js';

const SETTINGS = {
  IMAGE: 'registry.example.com/metaverse-in-a-box:0.1.0',
  DATABASE_URL: 'postgres://mib:db-password@db.example.internal:5432/mib',
  REDIS_URL: 'redis://:redis-password@redis.example.internal:6379',
  ASSET_S3_BUCKET: 'mib-assets',
  ASSET_S3_ACCESS_KEY_ID: 'access-key',
  ASSET_S3_SECRET_ACCESS_KEY: 'secret-key',
  ASSET_S3_REGION: 'eu-west-1',
  BACKUP_S3_URL: 's3://mib-backups/nightly/',
  BACKUP_S3_ACCESS_KEY_ID: 'backup-key',
  BACKUP_S3_SECRET_ACCESS_KEY: 'backup-secret',
};

/** A copy of infra/k8s where init.sh may write. */
async function k8sCopy(): Promise<string> {
  const dir = path.join(await tempDir('mib-k8s-'), 'k8s');
  cpSync(path.resolve('infra/k8s'), dir, {
    recursive: true,
    filter: (from) => !/\/(deployment|site|secrets)\.env$|livekit\.values\.yaml$/.test(from),
  });
  return dir;
}

const init = runInit;

async function rendered(): Promise<{ dir: string; objects: KubeObject[] }> {
  const dir = await k8sCopy();
  init(dir, SETTINGS, 'worlds.example.com', 'ops@example.com');
  return { dir, objects: kustomizeBuild(path.join(dir, 'overlays/production')) };
}

/** The rendered object of that kind and name, typed as the official client's model of it. */
function one<T>(objects: KubeObject[], kind: string, name: string): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return found as unknown as T;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('infra/k8s/init.sh', () => {
  it('writes fresh secrets once, keeps them on a second run, updates the settings, and names what is missing', async () => {
    const dir = await k8sCopy();
    const overlay = path.join(dir, 'overlays/production');
    init(dir, SETTINGS, 'worlds.example.com');
    const first = readEnv(path.join(overlay, 'secrets.env'));
    expect(first.AUTH_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(first.DATABASE_URL).toBe(SETTINGS.DATABASE_URL);

    init(
      dir,
      { ...SETTINGS, DATABASE_URL: 'postgres://mib:rotated@db2.example.internal:5432/mib' },
      'worlds.example.com',
    );
    const second = readEnv(path.join(overlay, 'secrets.env'));
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
    expect(second.LIVEKIT_API_SECRET).toBe(first.LIVEKIT_API_SECRET);
    expect(second.DATABASE_URL).toBe('postgres://mib:rotated@db2.example.internal:5432/mib');
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());

    const other = await k8sCopy();
    init(other, SETTINGS, 'worlds.example.com');
    expect(readEnv(path.join(other, 'overlays/production/secrets.env')).AUTH_SECRET).not.toBe(
      first.AUTH_SECRET,
    );

    // LiveKit's chart gets the same key and the same Redis.
    const livekit = readFileSync(path.join(overlay, 'livekit.values.yaml'), 'utf8');
    expect(livekit).toContain(`${first.LIVEKIT_API_KEY}: ${first.LIVEKIT_API_SECRET}`);
    expect(livekit).toContain('address: redis.example.internal:6379');
    expect(livekit).toContain("password: 'redis-password'");

    const { REDIS_URL: _redis, ...withoutRedis } = SETTINGS;
    expect(() => init(dir, withoutRedis, 'worlds.example.com')).toThrow(/set REDIS_URL: your Redis, e\.g\./);
    expect(() => init(dir, { ...SETTINGS, DATABASE_URL: 'mysql://x' }, 'worlds.example.com')).toThrow(
      /DATABASE_URL must start with postgres:\/\//,
    );
    expect(() => init(dir, SETTINGS, 'not a domain')).toThrow(/is not a domain name/);
  });
});

describe('infra/k8s/overlays/production', () => {
  it('renders objects the API server would accept (schemas, unknown fields refused), and a typo is caught', async () => {
    const { objects } = await rendered();
    expect(
      objects.map((object) => `${object.kind}/${object.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort(),
    ).toEqual([
      'ConfigMap/mib-config',
      'ConfigMap/mib-proxy-templates',
      'CronJob/mib-backup',
      'Deployment/mib-proxy',
      'HorizontalPodAutoscaler/mib-server',
      'Ingress/mib',
      'Namespace/metaverse',
      'NetworkPolicy/mib-default-deny-ingress',
      'NetworkPolicy/mib-proxy-from-ingress',
      'NetworkPolicy/mib-server-ingress',
      'PodDisruptionBudget/mib-proxy',
      'PodDisruptionBudget/mib-server',
      'Secret/mib-secrets',
      'Service/mib-proxy',
      'Service/mib-server',
      'Service/mib-server-pods',
      'StatefulSet/mib-server',
    ]);
    const problems = (await Promise.all(objects.map(kubeProblems))).flat();
    expect(problems).toEqual([]);
    for (const object of objects.filter((o) => o.kind !== 'Namespace'))
      expect([object.kind, object.metadata.namespace]).toEqual([object.kind, 'metaverse']);

    // The checker does refuse mistakes: a misspelt field, a wrong type, a missing required field.
    const server = structuredClone(objects.find((o) => o.kind === 'StatefulSet')!) as KubeObject & {
      spec: { replicas: unknown; selector?: unknown; template: { spec: { containers: object[] } } };
    };
    Object.assign(server.spec.template.spec.containers[0]!, { imagePullPolicyy: 'Always' });
    server.spec.replicas = 'two';
    delete server.spec.selector;
    expect(await kubeProblems(server)).toEqual([
      'StatefulSet/mib-server: unknown field spec.template.spec.containers[0].imagePullPolicyy',
      expect.stringMatching(/spec must have required property selector.*replicas must be integer/),
    ]);
    expect(await kubeProblems({ ...server, apiVersion: 'apps/v9' })).toEqual([
      'StatefulSet/mib-server: apps/v9 StatefulSet is not a Kubernetes kind',
    ]);
  });

  it('gives the server pods probes that fit, a drain that fits the grace period, and no CPU limit', async () => {
    const { objects } = await rendered();
    const server = one<k8s.V1StatefulSet>(objects, 'StatefulSet', 'mib-server').spec!;
    const pod = server.template.spec!;
    const container = pod.containers.find((c) => c.name === 'server')!;
    expect(container.image).toBe(SETTINGS.IMAGE);
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    // Liveness never depends on PostgreSQL, Redis or LiveKit: /healthz answers while the process serves.
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
    const env = new Map(container.env!.map((e) => [e.name, e]));
    const drainSeconds = Number(env.get('SHUTDOWN_TIMEOUT_MS')?.value) / 1000;
    const preStopSeconds = container.lifecycle!.preStop!.sleep!.seconds;
    expect(drainSeconds).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds + drainSeconds + 10);
    expect(container.resources?.limits?.cpu).toBeUndefined();
    expect(container.resources?.limits?.memory).toBeDefined();
    expect(container.resources?.requests?.cpu).toBeDefined();
    // Each pod's room path is its own name, which the proxy routes to that pod.
    expect(env.get('PUBLIC_ROOM_PATH')?.value).toBe('/$(POD_NAME)');
    expect(env.get('POD_NAME')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    const pods = one<k8s.V1Service>(objects, 'Service', server.serviceName!).spec!;
    expect(pods.clusterIP).toBe('None');
    expect(pods.publishNotReadyAddresses).toBe(true);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
  });

  it("parses as the server's own configuration for every pod, with the secrets from init.sh", async () => {
    const { dir, objects } = await rendered();
    const server = one<k8s.V1StatefulSet>(objects, 'StatefulSet', 'mib-server');
    const container = server.spec!.template.spec!.containers[0]!;
    const [fromConfig, fromSecret] = container.envFrom!;
    const configMap = one<k8s.V1ConfigMap>(objects, 'ConfigMap', fromConfig!.configMapRef!.name!);
    const secret = one<k8s.V1Secret>(objects, 'Secret', fromSecret!.secretRef!.name!);
    const secrets = Object.fromEntries(
      Object.entries(secret.data!).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
    );
    expect(secrets).toEqual(readEnv(path.join(dir, 'overlays/production/secrets.env')));
    for (const podName of ['mib-server-0', 'mib-server-7']) {
      // POD_NAME comes from the pod's name; $(POD_NAME) in later values is expanded by the kubelet.
      const own = Object.fromEntries(
        container.env!.map((e) => [e.name, e.valueFrom ? podName : e.value!.replace('$(POD_NAME)', podName)]),
      );
      const config = parseConfig({ ...configMap.data, ...secrets, ...own }, dir);
      expect(config.publicUrl).toBe('https://worlds.example.com');
      expect(config.publicRoomPath).toBe(`/${podName}`);
      expect(config.databaseUrl).toBe(SETTINGS.DATABASE_URL);
    }
  });

  it('routes: the Ingress to the proxy, the proxy to each pod by name (nginx accepts its configuration), Services to real pods', async () => {
    const { objects } = await rendered();
    const ingress = one<k8s.V1Ingress>(objects, 'Ingress', 'mib');
    const rule = ingress.spec!.rules![0]!;
    expect(rule.host).toBe('worlds.example.com');
    expect(ingress.spec!.tls![0]!.hosts).toEqual(['worlds.example.com']);
    const timeout = ingress.metadata!.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout'];
    expect(Number(timeout)).toBeGreaterThanOrEqual(3600);
    const backend = rule.http!.paths[0]!.backend.service!;
    const proxyService = one<k8s.V1Service>(objects, 'Service', backend.name);
    expect(proxyService.spec!.ports!.map((port) => port.name)).toContain(backend.port!.name);

    // Every Service and disruption budget selects the pods of exactly one workload here.
    const podLabels = objects
      .filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')
      .map((o) => (o as unknown as k8s.V1Deployment).spec!.template.metadata!.labels);
    const selectors = objects.flatMap((o) =>
      o.kind === 'Service'
        ? [[o.metadata.name, (o as unknown as k8s.V1Service).spec!.selector!] as const]
        : o.kind === 'PodDisruptionBudget'
          ? [
              [
                o.metadata.name,
                (o as unknown as k8s.V1PodDisruptionBudget).spec!.selector!.matchLabels!,
              ] as const,
            ]
          : [],
    );
    expect(selectors.length).toBe(5);
    for (const [name, selector] of selectors)
      expect([name, podLabels.filter((labels) => matches(selector, labels)).length]).toEqual([name, 1]);
    // The server pods accept traffic from the proxy's pods.
    const proxy = one<k8s.V1Deployment>(objects, 'Deployment', 'mib-proxy').spec!.template;
    // (The client's model names the field `_from`; the manifest's is `from`.)
    const policy = one<{ spec: { ingress: { from: k8s.V1NetworkPolicyPeer[] }[] } }>(
      objects,
      'NetworkPolicy',
      'mib-server-ingress',
    );
    const peers = policy.spec.ingress[0]!.from;
    expect(
      peers.some(
        (peer) => peer.podSelector && matches(peer.podSelector.matchLabels!, proxy.metadata!.labels),
      ),
    ).toBe(true);

    // The proxy's template, filled as nginx's image does at start, is accepted by nginx; its pod route
    // matches the StatefulSet's pod names and strips to that pod's own DNS name.
    const templates = proxy.spec!.volumes!.find((volume) => volume.name === 'templates')!.configMap!.name!;
    const template = one<k8s.V1ConfigMap>(objects, 'ConfigMap', templates).data!['default.conf.template']!;
    const filled = template
      .replaceAll('${POD_NAMESPACE}', 'metaverse')
      .replaceAll('${NGINX_LOCAL_RESOLVERS}', '10.96.0.10');
    expect(filled).not.toMatch(/\$\{[A-Z_]+\}/);
    const route = new RegExp(`^${/location ~ \^\/\((.+?)\)\/\(\.\*\)\$/.exec(filled)![1]!}$`);
    expect(['mib-server-0', 'mib-server-12', 'mib-proxy-0'].map((name) => route.test(name))).toEqual([
      true,
      true,
      false,
    ]);
    expect(filled).toContain(
      'proxy_pass http://$1.mib-server-pods.metaverse.svc.cluster.local:2567/$2$is_args$args;',
    );
    const scratch = await tempDir('mib-k8s-nginx-');
    writeFileSync(path.join(scratch, 'default.conf'), filled);
    const temporary = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `${kind}_temp_path ${scratch};`,
    );
    writeFileSync(
      path.join(scratch, 'nginx.conf'),
      `pid ${scratch}/nginx.pid;\nevents {}\nhttp {\n${temporary.join('\n')}\ninclude ${scratch}/default.conf;\n}\n`,
    );
    const config = path.join(scratch, 'nginx.conf');
    execFileSync(
      nginxBinary(),
      ['-t', '-q', '-c', config, '-p', scratch, '-e', path.join(scratch, 'error.log')],
      {
        stdio: 'pipe',
      },
    );
  });

  it('backs up every night: pg_dump writes the dump the server image uploads, with the settings it parses', async () => {
    const { objects } = await rendered();
    const cron = one<k8s.V1CronJob>(objects, 'CronJob', 'mib-backup').spec;
    expect(cron.schedule).toBe('0 3 * * *');
    expect(cron.concurrencyPolicy).toBe('Forbid');
    const pod = cron.jobTemplate.spec!.template.spec!;
    const dump = pod.initContainers!.find((c) => c.name === 'dump')!;
    const upload = pod.containers.find((c) => c.name === 'upload')!;
    expect(dump.command).toEqual(['pg_dump']);
    const written = dump.args!.find((arg) => arg.startsWith('--file='))!.slice('--file='.length);
    expect(dump.args).toEqual(expect.arrayContaining(['--format=custom', '--dbname=$(DATABASE_URL)']));
    expect(upload.command!.slice(-2)).toEqual(['--dump-file', written]);
    expect(upload.image).toBe(SETTINGS.IMAGE);
    const mountOf = (container: k8s.V1Container): string =>
      container.volumeMounts!.find((mount) => written.startsWith(`${mount.mountPath}/`))!.name;
    expect(mountOf(dump)).toBe(mountOf(upload));
    expect(pod.volumes!.find((volume) => volume.name === mountOf(dump))!.emptyDir).toBeDefined();
    // The upload container's settings are the backup command's: the bucket parses, with credentials.
    const [fromConfig, fromSecret] = upload.envFrom!;
    const configMap = one<k8s.V1ConfigMap>(objects, 'ConfigMap', fromConfig!.configMapRef!.name!);
    const secret = one<k8s.V1Secret>(objects, 'Secret', fromSecret!.secretRef!.name!);
    const secrets = Object.fromEntries(
      Object.entries(secret.data!).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
    );
    expect(parseBackupTarget({ ...configMap.data, ...secrets })).toEqual({
      bucket: 'mib-backups',
      prefix: 'nightly/',
      region: 'us-east-1',
      credentials: { accessKeyId: 'backup-key', secretAccessKey: 'backup-secret' },
    });
    expect(dump.env![0]!.valueFrom!.secretKeyRef!.name).toBe(secret.metadata!.name);
  });

  it("scales on the server's own visitors gauge, with CPU second, and drains one pod at a time", async () => {
    const { objects } = await rendered();
    const hpa = one<k8s.V2HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'mib-server').spec;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'mib-server' });
    const [visitors, cpu] = hpa.metrics!;
    expect(cpu!.resource!.name).toBe('cpu');
    const gauge = createMetrics().registry.getSingleMetric(visitors!.pods!.metric.name);
    expect(await gauge?.get()).toMatchObject({ type: 'gauge', name: 'mib_clients' });
    expect(hpa.behavior!.scaleDown!.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 300 }]);
    const budget = one<k8s.V1PodDisruptionBudget>(objects, 'PodDisruptionBudget', 'mib-server');
    expect(budget.spec!.maxUnavailable).toBe(1);
  });
});
