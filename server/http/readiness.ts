/** What /readyz checks: every dependency a join needs must answer. */
import { Gauge, type Registry } from 'prom-client';
import { oncePerScrape } from '../observability/metrics.js';
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  probe: () => Promise<void>;
  /**
   * Reported but not required: the server serves joins without it (e.g. LiveKit — without it only voice is
   * off), so a load balancer must not take the process out of rotation for it.
   */
  optional?: boolean;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface ReadinessResult {
  ready: boolean;
  /** Ready, but an optional dependency does not answer (its feature, e.g. voice, is unavailable). */
  degraded: boolean;
  checks: Record<string, string>;
}

/**
 * How long a dependency may take to answer a readiness probe. A silent one (a blackholed Redis, a database
 * answering seconds late) then takes the process out of rotation within 2 s of going quiet, counting the
 * load balancer's request; measured by bench:reliability's outages harness.
 */
export const READINESS_PROBE_TIMEOUT_MS = 1_500;

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function runReadinessChecks(
  checks: ReadinessCheck[],
  timeoutMs = READINESS_PROBE_TIMEOUT_MS,
): Promise<ReadinessResult> {
  const outcomes = await Promise.all(
    checks.map(async ({ name, probe, optional = false }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([probe(), timeout]);
        return [name, 'ok', optional] as const;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return [name, `unavailable: ${reason}${optional ? ' (optional)' : ''}`, optional] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    ready: outcomes.every(([, status, optional]) => optional || status === 'ok'),
    degraded: outcomes.some(([, status, optional]) => optional && status !== 'ok'),
    checks: Object.fromEntries(outcomes.map(([name, status]) => [name, status])),
  };
}

/**
 * Readiness as Prometheus sees it, checked at each scrape: `mib_ready` (1 when /readyz would answer 200)
 * and `mib_readiness_check{check}` (1 when that dependency answers), so an alert can say which one failed.
 */
export function registerReadinessMetrics(registry: Registry, checks: ReadinessCheck[]): void {
  const result = oncePerScrape(() => runReadinessChecks(checks));
  new Gauge({
    name: 'mib_ready',
    help: 'Whether this process is ready for visitors (1) or not (0), as /readyz answers.',
    registers: [registry],
    async collect() {
      this.set((await result()).ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mib_readiness_check',
    help: 'Whether each dependency /readyz checks answers (1) or not (0).',
    labelNames: ['check'] as const,
    registers: [registry],
    async collect() {
      for (const [check, status] of Object.entries((await result()).checks))
        this.set({ check }, status === 'ok' ? 1 : 0);
    },
  });
}
