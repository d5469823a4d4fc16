/**
 * Polls a server's /readyz one request after another (every `intervalMs`) and keeps every answer, so a
 * harness can say when the process went out of rotation after a fault and when it came back.
 */

export interface ReadinessSample {
  /** When the answer arrived (Date.now()). */
  at: number;
  /** HTTP status, or 0 when the request failed (the process does not answer at all). */
  status: number;
  /** The body's `status` (ready, degraded, not ready), when there was one. */
  state: string;
}

export interface ReadinessMonitor {
  samples: ReadinessSample[];
  stop(): Promise<void>;
}

export function monitorReadiness(url: string, intervalMs = 100): ReadinessMonitor {
  const samples: ReadinessSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      let status = 0;
      let state = '';
      try {
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
        status = response.status;
        state = ((await response.json()) as { status?: string }).status ?? '';
      } catch {
        // no answer: status 0
      }
      samples.push({ at: Date.now(), status, state });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export interface OutageTimings {
  /** Fault → the first 503 (null: never out of rotation during the fault). */
  notReadyAfterMs: number | null;
  /** Recovery → the first 200 after it that every later answer in the window agrees with (null: never). */
  readyAgainAfterMs: number | null;
  /** Answers other than 200 or 503 (0: no answer) between the fault and the end of the window. */
  otherAnswers: number;
  /** 503 answers while the fault lasted. */
  notReadyAnswers: number;
  /** Answers with body status `degraded` while the fault lasted. */
  degradedAnswers: number;
}

/**
 * What the samples between `faultAt` and `windowEnd` say about one outage that was healed at `healAt`. An
 * answer counts where it arrived: one that arrived after the fault began may have been asked just before.
 */
export function outageTimings(
  samples: readonly ReadinessSample[],
  faultAt: number,
  healAt: number,
  windowEnd: number,
): OutageTimings {
  const window = samples.filter((sample) => sample.at >= faultAt && sample.at <= windowEnd);
  const during = window.filter((sample) => sample.at <= healAt);
  const firstNotReady = window.find((sample) => sample.status === 503);
  const after = window.filter((sample) => sample.at > healAt);
  // The first 200 after recovery from which on every answer is 200.
  let readyFrom: ReadinessSample | undefined;
  for (const sample of after) {
    if (sample.status !== 200) readyFrom = undefined;
    else readyFrom ??= sample;
  }
  return {
    notReadyAfterMs: firstNotReady ? firstNotReady.at - faultAt : null,
    readyAgainAfterMs: readyFrom ? readyFrom.at - healAt : null,
    otherAnswers: window.filter((sample) => sample.status !== 200 && sample.status !== 503).length,
    notReadyAnswers: during.filter((sample) => sample.status === 503).length,
    degradedAnswers: during.filter((sample) => sample.state === 'degraded').length,
  };
}
