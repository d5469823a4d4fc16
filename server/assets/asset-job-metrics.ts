/**
 * The asset job queue as Prometheus sees it, read from the jobs table at each scrape (one small query):
 * `mib_asset_jobs{status}` (queued, running) and `mib_asset_job_oldest_queued_seconds` — a queue whose
 * oldest job keeps ageing while nothing runs is stuck (the alert rule in infra/monitoring says so).
 */
import { Gauge, type Registry } from 'prom-client';
import { oncePerScrape } from '../observability/metrics.js';
import type { AssetJobsRepository } from './asset-jobs-repository.js';

export function registerAssetJobMetrics(
  registry: Registry,
  jobs: Pick<AssetJobsRepository, 'queueStats'>,
): void {
  const stats = oncePerScrape(() => jobs.queueStats());
  new Gauge({
    name: 'mib_asset_jobs',
    help: 'Asset pipeline jobs in the database, by status (queued, running), across all processes.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const { queued, running } = await stats();
      this.set({ status: 'queued' }, queued);
      this.set({ status: 'running' }, running);
    },
  });
  new Gauge({
    name: 'mib_asset_job_oldest_queued_seconds',
    help: 'How long the oldest queued asset job has waited, in seconds (0 when none waits).',
    registers: [registry],
    async collect() {
      this.set((await stats()).oldestQueuedSeconds);
    },
  });
}
