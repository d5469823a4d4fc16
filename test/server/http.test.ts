import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld } from '../helpers/visitors.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startInProcessServer();
});
afterAll(async () => server?.close());

describe('operations endpoints', () => {
  it('GET /healthz answers 200', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz reports the database and presence', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: { accepting: 'ok', database: 'ok', presence: 'ok' },
    });
  });

  it('GET /metrics exposes process, HTTP, room and client metrics in Prometheus text', async () => {
    const visitor = await joinWorld(server.url);
    await fetch(`${server.url}/healthz`);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^mib_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/m);
    expect(text).toMatch(/^mib_rooms 1$/m);
    expect(text).toMatch(/^mib_clients 1$/m);
    expect(text).toMatch(/^mib_room_tick_seconds_count \d+/m);
    await visitor.leave();
  });

  it('serves the OpenAPI document at /docs-json and its UI at /docs', async () => {
    const doc = (await (await fetch(`${server.url}/docs-json`)).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));
    const ui = await fetch(`${server.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('answers unknown routes with application/problem+json', async () => {
    const res = await fetch(`${server.url}/no/such/route`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, detail: 'Cannot GET /no/such/route' });
  });

  it('lets no other site frame the player, the studio or the API; the embed page decides for itself', async () => {
    for (const path of ['/', '/w/some-world', '/studio', '/studio/some-world', '/healthz']) {
      const res = await fetch(`${server.url}${path}`);
      expect([path, res.headers.get('content-security-policy')]).toEqual([path, "frame-ancestors 'none'"]);
      expect([path, res.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
    }
    const embed = await fetch(`${server.url}/embed/some-world`);
    expect(embed.headers.get('content-security-policy')).toMatch(/^frame-ancestors 'self'/);
    expect(embed.headers.get('x-frame-options')).toBeNull();
  });

  it('does not stamp Colyseus CORS headers on control-plane routes', async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://elsewhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('closes WebSocket upgrades to paths that are not rooms', async () => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/not-a-room`);
    const outcome = await new Promise<string>((resolve) => {
      socket.onopen = () => resolve('open');
      socket.onerror = () => resolve('error');
    });
    expect(outcome).toBe('error');
  });
});
