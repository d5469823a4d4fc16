/** What /readyz checks: every dependency a join needs must answer. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  probe: () => Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface ReadinessResult {
  ready: boolean;
  checks: Record<string, string>;
}

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function runReadinessChecks(
  checks: ReadinessCheck[],
  timeoutMs = 2_000,
): Promise<ReadinessResult> {
  const outcomes = await Promise.all(
    checks.map(async ({ name, probe }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([probe(), timeout]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, `unavailable: ${error instanceof Error ? error.message : String(error)}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: outcomes.every(([, status]) => status === 'ok'), checks: Object.fromEntries(outcomes) };
}
