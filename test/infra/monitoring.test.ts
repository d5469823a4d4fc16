/**
 * infra/monitoring, checked with Prometheus' own promtool (Debian's): both scrape configurations and the
 * alert rules are valid, and the rules' unit tests (alerts.test.yml: each alert fires on the series that
 * should raise it, and not before) pass — while a rule with a planted wrong threshold fails them. Every
 * metric the rules, the Grafana dashboard and the autoscaler's adapter read is one a live server (or a
 * real LiveKit) exposes, and every dashboard query parses as PromQL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parser } from '@prometheus-io/lezer-promql';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import type { RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { kustomizeBuild } from '../helpers/kustomize.js';
import { freeUdpPort, liveKitBinary } from '../helpers/livekit-server.js';
import { freePort, tempDir } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);
const DIR = path.resolve('infra/monitoring');

/** promtool's exit code and output (never throws on a failed check). */
async function promtool(args: string[], cwd = DIR): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number | string; stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT')
      throw new Error(
        "promtool is missing: run `npm run services` (it installs Debian's prometheus package)",
        {
          cause: error,
        },
      );
    return { code: Number(failed.code), output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

/** The metric names a PromQL expression selects; throws when it does not parse. */
function metricsOf(expr: string): string[] {
  const names: string[] = [];
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(expr.slice(id.from, id.to));
      }
    },
  });
  if (errors.length > 0) throw new Error(`"${expr}" is not PromQL (at ${errors.join(', ')})`);
  return names;
}

interface Rules {
  groups: { rules: { alert: string; expr: string }[] }[];
}
interface Dashboard {
  uid: string;
  panels: {
    id: number;
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string }[];
  }[];
  templating: { list: { name: string; type: string }[] };
}

/** Names in a Prometheus text exposition (HELP lines included: a labelled gauge may have no sample yet). */
function exposed(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const declared = /^# (?:HELP|TYPE) (\S+)(?: (histogram|summary)$)?/.exec(line);
    if (declared) names.add(declared[1]!);
    // A histogram's or summary's series before its first observation.
    if (declared?.[2] === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(declared[1]! + suffix);
    if (declared?.[2] === 'summary')
      for (const suffix of ['_sum', '_count']) names.add(declared[1]! + suffix);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}

let server: RunningServer;
let livekit: ChildProcess;
let livekitMetrics: string;

beforeAll(async () => {
  server = await startInProcessServer();
  // A real LiveKit with its Prometheus port, for the voice panels' names.
  const dir = await tempDir('mib-livekit-metrics-');
  const metricsPort = await freePort();
  const config = path.join(dir, 'livekit.yaml');
  writeFileSync(
    config,
    stringify({
      port: await freePort(),
      prometheus_port: metricsPort,
      rtc: { tcp_port: await freePort(), udp_port: await freeUdpPort(), use_external_ip: false },
      keys: { metricskey: 'a-secret-of-at-least-thirty-two-characters' },
    }),
  );
  livekit = spawn(liveKitBinary(), ['--config', config, '--bind', '127.0.0.1'], { stdio: 'ignore' });
  livekitMetrics = await waitFor(
    () =>
      fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
        (r) => (r.ok ? r.text() : ''),
        () => '',
      ),
    (text) => text.includes('livekit_'),
    { what: "LiveKit's /metrics", timeoutMs: 30_000 },
  );
}, 120_000);

afterAll(async () => {
  if (livekit && livekit.exitCode === null) {
    const exited = new Promise((resolve) => livekit.once('exit', resolve));
    livekit.kill('SIGKILL');
    await exited;
  }
  await server?.close();
});

describe('infra/monitoring', () => {
  it('is valid for promtool: both scrape configurations and the rules', async () => {
    expect(await promtool(['check', 'config', 'prometheus.yml'])).toMatchObject({ code: 0 });
    expect(await promtool(['check', 'rules', 'alerts.yml'])).toMatchObject({ code: 0 });

    // Debian's promtool is built without Kubernetes discovery: the Kubernetes configuration is checked with
    // its discovery swapped for a static target (everything else — relabelling, rules — as written), and
    // its discovery and relabelling are checked against the rendered server pods.
    const k8s = parse(readFileSync(path.join(DIR, 'prometheus-kubernetes.yml'), 'utf8')) as {
      scrape_configs: {
        job_name: string;
        kubernetes_sd_configs: { role: string; namespaces: { names: string[] } }[];
        relabel_configs: { source_labels?: string[]; regex?: string; action?: string }[];
      }[];
    };
    const servers = k8s.scrape_configs.find((job) => job.job_name === 'metaverse-in-a-box')!;
    expect(servers.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['metaverse'] } }]);
    const keep = (label: string): string =>
      servers.relabel_configs.find((r) => r.action === 'keep' && r.source_labels?.[0] === label)!.regex!;
    const statefulSet = kustomizeBuild('infra/k8s/base').find((o) => o.kind === 'StatefulSet') as unknown as {
      spec: {
        template: {
          metadata: { labels: Record<string, string> };
          spec: { containers: { ports: { name: string }[] }[] };
        };
      };
    };
    expect(statefulSet.spec.template.metadata.labels['app.kubernetes.io/component']).toBe(
      keep('__meta_kubernetes_pod_label_app_kubernetes_io_component'),
    );
    expect(statefulSet.spec.template.spec.containers[0]!.ports[0]!.name).toBe(
      keep('__meta_kubernetes_pod_container_port_name'),
    );
    const scratch = await tempDir('mib-monitoring-');
    cpSync(DIR, scratch, { recursive: true });
    const staticK8s = {
      ...k8s,
      scrape_configs: k8s.scrape_configs.map(({ kubernetes_sd_configs: _sd, ...job }) => ({
        ...job,
        static_configs: [{ targets: ['pod.example:2567'] }],
      })),
    };
    writeFileSync(path.join(scratch, 'prometheus-kubernetes.yml'), stringify(staticK8s));
    expect(await promtool(['check', 'config', 'prometheus-kubernetes.yml'], scratch)).toMatchObject({
      code: 0,
    });
  });

  it('fires each alert when it should and not before (promtool test rules), and a wrong threshold is caught', async () => {
    const passed = await promtool(['test', 'rules', 'alerts.test.yml']);
    expect([passed.code, passed.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
    const rules = parse(readFileSync(path.join(DIR, 'alerts.yml'), 'utf8')) as Rules;
    const tested = readFileSync(path.join(DIR, 'alerts.test.yml'), 'utf8');
    for (const rule of rules.groups.flatMap((group) => group.rules))
      expect([rule.alert, tested.includes(`alertname: ${rule.alert}`)]).toEqual([rule.alert, true]);

    const scratch = await tempDir('mib-monitoring-');
    cpSync(DIR, scratch, { recursive: true });
    const text = readFileSync(path.join(scratch, 'alerts.yml'), 'utf8');
    writeFileSync(
      path.join(scratch, 'alerts.yml'),
      text.replace('mib_room_tick_ms{quantile="0.99"} > 25', 'mib_room_tick_ms{quantile="0.99"} > 35'),
    );
    const failed = await promtool(['test', 'rules', 'alerts.test.yml'], scratch);
    expect([failed.code, failed.output]).toEqual([
      1,
      expect.stringContaining('alertname: MibTickOverBudget'),
    ]);
  });

  it('reads only metrics a live server or LiveKit exposes, with queries that parse', async () => {
    const serverMetrics = exposed(await (await fetch(`${server.url}/metrics`)).text());
    const known = new Set([...serverMetrics, ...exposed(livekitMetrics), 'up']);
    // The metrics this deployment added for its alerts are there, even before they have a sample.
    for (const name of [
      'mib_ready',
      'mib_readiness_check',
      'mib_asset_jobs',
      'mib_asset_job_oldest_queued_seconds',
      'mib_nft_indexer_lag_blocks',
      'mib_nft_indexer_last_step_timestamp_seconds',
    ])
      expect([name, serverMetrics.has(name)]).toEqual([name, true]);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^mib_ready 1$/m);

    const rules = parse(readFileSync(path.join(DIR, 'alerts.yml'), 'utf8')) as Rules;
    const dashboard = JSON.parse(readFileSync(path.join(DIR, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
    const queries = [
      ...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ];
    expect(queries.length).toBeGreaterThan(20);
    const unknown = queries.flatMap(metricsOf).filter((name) => !known.has(name));
    expect(unknown).toEqual([]);

    // The dashboard: one Prometheus picked by a variable, unique panel ids, every graph with a query.
    expect(dashboard.templating.list).toEqual([
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    ]);
    const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of graphs) {
      expect([panel.title, panel.datasource?.uid, panel.targets?.length]).toEqual([
        panel.title,
        '${datasource}',
        1,
      ]);
    }

    // The autoscaler's metric is the one the adapter serves, from the series the server exposes.
    const adapter = parse(readFileSync(path.join(DIR, 'prometheus-adapter-values.yaml'), 'utf8')) as {
      rules: { custom: { seriesQuery: string; name: { as: string } }[] };
    };
    const [rule] = adapter.rules.custom;
    expect(metricsOf(rule!.seriesQuery).every((name) => serverMetrics.has(name))).toBe(true);
    const hpa = kustomizeBuild('infra/k8s/base').find(
      (o) => o.kind === 'HorizontalPodAutoscaler',
    ) as unknown as {
      spec: { metrics: { pods?: { metric: { name: string } } }[] };
    };
    expect(hpa.spec.metrics[0]!.pods!.metric.name).toBe(rule!.name.as);
  });
});
