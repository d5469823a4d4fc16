/**
 * LiveKit's signalling through the product's own port: `/livekit-signal/rtc…` (WebSocket and HTTP, e.g.
 * `rtc/validate`) are forwarded to the embedded LiveKit on loopback with the prefix removed, so a
 * visitor on another machine needs only this server's address (plus LiveKit's media ports). The WebSocket
 * is passed through byte for byte (a raw TCP pipe after the upgrade request): nothing is parsed or kept.
 * Hand-written because it is two pipes; the proxy libraries add a dependency for the same few lines.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';

/**
 * Where browsers reach the embedded LiveKit's signalling on this server's origin (not `/livekit`: that is
 * where LiveKit's webhooks come in).
 */
export const LIVEKIT_PROXY_PATH = '/livekit-signal';

export interface SignalProxy {
  /** Whether an upgrade request is for LiveKit (then `upgrade` takes it). */
  handles: (req: http.IncomingMessage) => boolean;
  upgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Express middleware for plain HTTP requests under the prefix. */
  http: (req: Request, res: Response, next: NextFunction) => void;
}

/** The path LiveKit sees: the prefix removed, the query kept; undefined when not under the prefix. */
export function upstreamPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (
    url !== LIVEKIT_PROXY_PATH &&
    !url.startsWith(`${LIVEKIT_PROXY_PATH}/`) &&
    !url.startsWith(`${LIVEKIT_PROXY_PATH}?`)
  )
    return undefined;
  const rest = url.slice(LIVEKIT_PROXY_PATH.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** `target` is the LiveKit signalling address on loopback, e.g. { host: '127.0.0.1', port: 7880 }. */
export function createSignalProxy(target: { host: string; port: number }): SignalProxy {
  return {
    handles: (req) => upstreamPath(req.url) !== undefined,
    upgrade: (req, socket, head) => {
      const path = upstreamPath(req.url)!;
      const upstream = net.connect(target.port, target.host);
      const fail = (): void => {
        if (!socket.destroyed)
          socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\nvoice server unreachable\r\n');
        upstream.destroy();
      };
      upstream.once('error', fail);
      socket.once('error', () => upstream.destroy());
      upstream.once('connect', () => {
        upstream.off('error', fail);
        upstream.on('error', () => socket.destroy());
        const headers: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2)
          headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(`${req.method ?? 'GET'} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
        socket.once('close', () => upstream.destroy());
        upstream.once('close', () => socket.destroy());
      });
    },
    http: (req, res, next) => {
      const path = upstreamPath(req.originalUrl);
      if (path === undefined) return next();
      const forwarded = http.request(
        { host: target.host, port: target.port, method: req.method, path, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.once('error', () => {
        if (!res.headersSent) res.status(502).type('text/plain').end('voice server unreachable');
        else res.destroy();
      });
      req.pipe(forwarded);
    },
  };
}
