/**
 * bench:reliability's checkers catch what they are there to catch: a lost, a duplicated and an invented
 * write (crash harness), a leaked room (churn harness: the server's mib_rooms_disposed_uncollected), and
 * a process slow to leave or to rejoin rotation (outage harness).
 */
import { describe, expect, it } from '@jest/globals';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  checkAcknowledged,
  checkItemMoves,
  type ItemMoveRecord,
  type WriteLedger,
} from '../../bench/reliability/acknowledged.js';
import { churnPasses } from '../../bench/reliability/churn.js';
import { churnLongPasses, slope } from '../../bench/reliability/churn-long.js';
import { scenarioPasses, type OutageScenario } from '../../bench/reliability/outages.js';
import { outageTimings, type ReadinessSample } from '../../bench/reliability/readiness-monitor.js';
import { metric } from '../../bench/shared/server-process.js';
import { createMetrics } from '../../server/observability/metrics.js';

const ledger = (acknowledged: string[], sent: string[] = acknowledged): WriteLedger => ({
  pressesSent: 12,
  pressesAcknowledged: 10,
  editsSent: new Set(sent),
  editsAcknowledged: new Set(acknowledged),
});

describe('the crash harness checker', () => {
  it('passes a recovery that holds every acknowledged write once, and unacknowledged ones or not', () => {
    expect(
      checkAcknowledged(ledger(['a', 'b'], ['a', 'b', 'c']), { presses: 11, edits: ['a', 'b', 'c'] }),
    ).toEqual({ lost: 0, duplicated: 0, invented: 0, lostEdits: [] });
    expect(
      checkAcknowledged(ledger(['a', 'b'], ['a', 'b', 'c']), { presses: 10, edits: ['b', 'a'] }).lost,
    ).toBe(0);
  });

  it('catches a lost edit and lost presses', () => {
    const check = checkAcknowledged(ledger(['a', 'b']), { presses: 9, edits: ['a'] });
    expect(check.lost).toBe(2);
    expect(check.lostEdits).toEqual(['b']);
  });

  it('catches an edit stored twice, presses beyond those sent, and an edit nobody sent', () => {
    expect(checkAcknowledged(ledger(['a']), { presses: 10, edits: ['a', 'a'] }).duplicated).toBe(1);
    expect(checkAcknowledged(ledger(['a']), { presses: 13, edits: ['a'] }).duplicated).toBe(1);
    expect(checkAcknowledged(ledger(['a']), { presses: 10, edits: ['a', 'z'] }).invented).toBe(1);
  });
});

describe('the crash harness item-move checker', () => {
  const at = (x: number, z: number) => ({ x, y: 0, z, yaw: 0.5 });
  const initial = at(0, 0);
  const moves: ItemMoveRecord[] = [
    { ref: 1, pose: at(1, 0), acknowledged: true },
    { ref: 2, pose: at(2, 0), acknowledged: true },
    { ref: 3, pose: at(3, 0), acknowledged: false },
    { ref: 4, pose: undefined, acknowledged: false },
  ];

  it('passes the last acknowledged put-down, or a later one sent but not acknowledged', () => {
    expect(checkItemMoves(moves, initial, at(2, 0))).toEqual({ lost: 0, invented: 0 });
    expect(checkItemMoves(moves, initial, at(3.004, 0))).toEqual({ lost: 0, invented: 0 });
    expect(checkItemMoves([], initial, initial)).toEqual({ lost: 0, invented: 0 });
    expect(checkItemMoves(moves.slice(2), initial, initial)).toEqual({ lost: 0, invented: 0 });
  });

  it('catches an acknowledged put-down lost (an older pose), and a pose nobody put it at', () => {
    expect(checkItemMoves(moves, initial, at(1, 0))).toEqual({ lost: 1, invented: 0 });
    expect(checkItemMoves(moves, initial, initial)).toEqual({ lost: 1, invented: 0 });
    expect(checkItemMoves(moves, initial, at(2, 0.05))).toEqual({ lost: 1, invented: 1 });
    expect(checkItemMoves(moves, initial, { ...at(2, 0), yaw: 1.5 })).toEqual({ lost: 1, invented: 1 });
    expect(checkItemMoves(moves.slice(2), initial, at(5, 5))).toEqual({ lost: 0, invented: 1 });
  });
});

describe('the leak gauge behind the churn harness', () => {
  // What `node --expose-gc` gives the benchmark's server, obtained inside the test.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const collectedFully = async (): Promise<void> => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50)); // finalizers run in a later task
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const uncollected = async (metrics: ReturnType<typeof createMetrics>): Promise<number> =>
    metric(await metrics.registry.metrics(), 'mib_rooms_disposed_uncollected');

  it('reads 0 once disposed rooms are freed, and counts a room something still holds (a leak)', async () => {
    const metrics = createMetrics();
    const leaked: object[] = [];
    (() => {
      for (let i = 0; i < 5; i++) metrics.roomDisposed({ room: i, state: new Array(1000).fill(i) });
      const kept = { room: 'kept by a forgotten listener' };
      leaked.push(kept);
      metrics.roomDisposed(kept);
    })();
    await collectedFully();
    expect(await uncollected(metrics)).toBe(1);
    leaked.length = 0;
    await collectedFully();
    expect(await uncollected(metrics)).toBe(0);
  });

  it('fails a churn run with one room retained, one still live, a listing left or descriptors grown', () => {
    const clean = {
      presence: 'redis' as const,
      roomsCreated: 500,
      roomsLiveAtEnd: 0,
      roomsRetained: 0,
      listingsLeft: 0,
      fdsAfterWarmup: 40,
      fdsAtEnd: 42,
    };
    expect(churnPasses(clean, 500)).toBe(true);
    expect(churnPasses({ ...clean, roomsRetained: 1 }, 500)).toBe(false);
    expect(churnPasses({ ...clean, roomsLiveAtEnd: 1 }, 500)).toBe(false);
    expect(churnPasses({ ...clean, listingsLeft: 1 }, 500)).toBe(false);
    expect(churnPasses({ ...clean, fdsAtEnd: 60 }, 500)).toBe(false);
  });
});

describe('the outage harness checker', () => {
  const at = (
    ms: number,
    status: number,
    state = status === 200 ? 'ready' : 'not ready',
  ): ReadinessSample => ({
    at: 1_000_000 + ms,
    status,
    state,
  });
  const scenario = (samples: ReadinessSample[]): OutageScenario => ({
    name: 'postgres refusing',
    faultSeconds: 10,
    ticksPerSecondDuring: 20,
    ...outageTimings(samples, 1_000_000, 1_010_000, 1_020_000),
  });

  it('passes out of rotation within 2 s and back within 5 s', () => {
    const outage = scenario([at(100, 200), at(1_600, 503), at(9_000, 503), at(10_400, 200), at(12_000, 200)]);
    expect(outage).toMatchObject({ notReadyAfterMs: 1_600, readyAgainAfterMs: 400 });
    expect(scenarioPasses(outage, { required: true })).toBe(true);
  });

  it('fails a process that leaves rotation late, comes back late, or falls silent', () => {
    expect(scenarioPasses(scenario([at(2_100, 503), at(10_400, 200)]), { required: true })).toBe(false);
    expect(scenarioPasses(scenario([at(500, 503), at(15_500, 200)]), { required: true })).toBe(false);
    expect(
      scenarioPasses(scenario([at(500, 503), at(10_400, 200), at(11_000, 503), at(19_000, 200)]), {
        required: true,
      }),
    ).toBe(false);
    expect(scenarioPasses(scenario([at(500, 0), at(10_400, 200)]), { required: true })).toBe(false);
  });

  it('fails an optional dependency (LiveKit) that takes the process out of rotation', () => {
    const degraded = scenario([at(500, 200, 'degraded'), at(10_400, 200)]);
    expect(scenarioPasses(degraded, { required: false })).toBe(true);
    expect(scenarioPasses(scenario([at(500, 503), at(10_400, 200)]), { required: false })).toBe(false);
  });
});

describe('the long churn checker', () => {
  /** Post-GC heap samples every 30 s for 27 minutes: a base, a leak in MB per 10 minutes, and noise. */
  const heap = (leakPer10Min: number) =>
    Array.from({ length: 55 }, (_, i): [number, number] => {
      const minutes = 3 + i * 0.5;
      return [minutes, 80 + (leakPer10Min * minutes) / 10 + Math.sin(i * 1.7) * 0.8];
    });
  const figures = (leakPer10Min: number) => ({
    minutes: 30,
    visitors: 300,
    roomsCreated: 900,
    roomsRetained: 0,
    churnFailures: 0,
    botDisconnects: 0,
    heapSamples: 55,
    heapStartMB: 80,
    heapEndMB: 80,
    heapSlopeMBPer10Min: slope(heap(leakPer10Min)) * 10,
    fdsAfterWarmup: 400,
    fdsAtEnd: 402,
  });

  it('catches a slow leak under the noise of a real heap, and passes a flat one', () => {
    expect(slope(heap(1.5)) * 10).toBeCloseTo(1.5, 1);
    expect(churnLongPasses(figures(1.5), 900)).toBe(false);
    expect(churnLongPasses(figures(0), 900)).toBe(true);
  });

  it('fails a run that retained a room, lost a bot or made too few rooms', () => {
    expect(churnLongPasses({ ...figures(0), roomsRetained: 1 }, 900)).toBe(false);
    expect(churnLongPasses({ ...figures(0), botDisconnects: 2 }, 900)).toBe(false);
    expect(churnLongPasses({ ...figures(0), roomsCreated: 500 }, 900)).toBe(false);
  });
});
