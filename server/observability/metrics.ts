/**
 * Prometheus metrics for one server process: Node process metrics, HTTP requests, rooms and clients.
 * Each server gets its own registry so tests can run several in one process without clashes.
 */
import { matchMaker } from '@colyseus/core';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  roomsCreated: Counter;
  /** Duration of one room tick (simulation and interest management, not sending), in seconds. */
  roomTickSeconds: Histogram;
  /** Same durations in milliseconds with exact recent quantiles (sliding window), for benchmarks. */
  roomTickMs: Summary;
  /** Time to encode and send one patch (the tick's movement frames, or a schema patch) to every client of a room, in milliseconds. */
  roomPatchMs: Summary;
  /** Express middleware that counts and times every HTTP request. */
  httpMiddleware: (req: Request, res: Response, next: NextFunction) => void;
  /** Called by a room once disposed: counted until the garbage collector has freed it (a leak check). */
  roomDisposed(room: object): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'mib_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'mib_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, in seconds.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'mib_rooms',
    help: 'World room instances live on this process.',
    registers: [registry],
    collect() {
      this.set(matchMaker.stats.local.roomCount);
    },
  });
  new Gauge({
    name: 'mib_clients',
    help: 'Clients connected to rooms on this process.',
    registers: [registry],
    collect() {
      this.set(matchMaker.stats.local.ccu);
    },
  });
  const roomsCreated = new Counter({
    name: 'mib_rooms_created_total',
    help: 'World room instances created on this process.',
    registers: [registry],
  });
  const roomTickSeconds = new Histogram({
    name: 'mib_room_tick_seconds',
    help: 'Duration of one world room tick (simulation and state copy), in seconds.',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
    registers: [registry],
  });

  const window = { maxAgeSeconds: 30, ageBuckets: 6, percentiles: [0.5, 0.9, 0.99] };
  const roomTickMs = new Summary({
    name: 'mib_room_tick_ms',
    help: 'Duration of one world room tick in milliseconds, quantiles over the last 30 s.',
    registers: [registry],
    ...window,
  });
  const roomPatchMs = new Summary({
    name: 'mib_room_patch_ms',
    help: 'Time to encode and send one patch (movement frames or a schema patch) to all clients of a room in milliseconds, quantiles over the last 30 s.',
    registers: [registry],
    ...window,
  });

  // Disposed rooms still in memory. Something that keeps a disposed room reachable (a presence listener, a
  // timer, a map entry — colyseus#842) makes this grow with every room ever closed. The collector frees
  // rooms when it likes, so the figure is only exact right after a full collection: under
  // `node --expose-gc` (a benchmark's server) each scrape collects first and the finalizers have run by
  // the next scrape.
  let disposedUncollected = 0;
  const collected = new FinalizationRegistry<null>(() => void disposedUncollected--);
  new Gauge({
    name: 'mib_rooms_disposed_uncollected',
    help: 'World rooms disposed on this process whose memory is not yet freed; exact after a full GC (node --expose-gc collects at each scrape), rising without bound on a leak.',
    registers: [registry],
    collect() {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      this.set(disposedUncollected);
    },
  });
  const roomDisposed = (room: object): void => {
    disposedUncollected++;
    collected.register(room, null);
  };

  const httpMiddleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route pattern keeps label cardinality bounded; unmatched paths share one label.
      const route: string =
        (req.route as { path?: string } | undefined)?.path ??
        (req.path.startsWith('/matchmake/') ? '/matchmake' : 'unmatched');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      httpDuration.observe({ method: req.method, route }, seconds);
    });
    next();
  };

  return {
    registry,
    httpRequests,
    httpDuration,
    roomsCreated,
    roomTickSeconds,
    roomTickMs,
    roomPatchMs,
    httpMiddleware,
    roomDisposed,
  };
}

/**
 * `read` shared by the gauges of one scrape: the first collect starts it, the others reuse its answer for a
 * second, so several gauges fed by one query (or one round of readiness checks) cost it once.
 */
export function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let latest: Promise<T> | undefined;
  return () => (latest ??= read().finally(() => setTimeout(() => (latest = undefined), 1_000).unref()));
}
