/**
 * A local HTTP endpoint that speaks LiveKit's RoomService Twirp JSON protocol (POST
 * /twirp/livekit.RoomService/<Method>) and records every call, so tests assert exactly what the server asked
 * of LiveKit. It checks each call carries a token signed with the test key pair. Not a media server: it
 * answers RoomService only (no LiveKit server can run on these machines).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';

export const LIVEKIT_TEST_KEY = 'APItestkey';
export const LIVEKIT_TEST_SECRET = 'test-secret-that-is-long-enough-for-livekit-0123456789';

export interface TwirpCall {
  method: string;
  body: Record<string, unknown>;
  /** The room-service grant the call's token carried (roomAdmin for the room it names). */
  grant: Record<string, unknown> | undefined;
}

export interface FakeLiveKit {
  url: string;
  calls: TwirpCall[];
  /** Participants (identities) ListParticipants reports per room. */
  participants: Map<string, string[]>;
  close(): Promise<void>;
}

export async function startFakeLiveKit(): Promise<FakeLiveKit> {
  const calls: TwirpCall[] = [];
  const participants = new Map<string, string[]>();
  const verifier = new TokenVerifier(LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const match = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !match)
          return reply(res, 404, { code: 'bad_route', msg: 'no such method' });
        let grant: Record<string, unknown> | undefined;
        try {
          const claims = await verifier.verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
          grant = claims.video as Record<string, unknown> | undefined;
        } catch {
          return reply(res, 401, { code: 'unauthenticated', msg: 'invalid token' });
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        const method = match[1]!;
        calls.push({ method, body, grant });
        switch (method) {
          case 'ListParticipants':
            return reply(res, 200, {
              participants: (participants.get(String(body.room)) ?? []).map((identity) => ({
                identity,
                sid: `PA_${identity}`,
              })),
            });
          case 'UpdateParticipant':
            return reply(res, 200, { identity: body.identity, permission: body.permission });
          case 'RemoveParticipant':
            return reply(res, 200, {});
          case 'ListRooms':
            return reply(res, 200, { rooms: [] });
          default:
            return reply(res, 404, { code: 'bad_route', msg: `${method} is not faked` });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    participants,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the SDK's keep-alive connections would hold close() open
      }),
  };
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The Authorization header LiveKit sends with a webhook: a token over the body's sha-256, signed with `secret`. */
export async function signWebhook(body: string, secret = LIVEKIT_TEST_SECRET): Promise<string> {
  const token = new AccessToken(LIVEKIT_TEST_KEY, secret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return token.toJwt();
}

/** A webhook event body as LiveKit sends it (protobuf JSON). */
export const webhookEvent = (id: string, type: string, room: string, identity: string): string =>
  JSON.stringify({ id, event: type, room: { name: room }, participant: { identity }, createdAt: '1' });
