/**
 * The HTTP pipeline around the control plane's routes: body parsers with per-route limits, the OpenAPI
 * document and its docs page, and the built player's files. start-server.ts composes them in this order
 * after the metrics, LiveKit proxy and matchmaking middleware.
 */
import { existsSync, readFileSync } from 'node:fs';
import { THUMBNAIL_MEDIA_TYPES } from '../assets/index.js';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import compression from 'compression';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  ARCHIVE_MEDIA_TYPE,
  addNamedSchemas,
  documentCommonProblems,
  escapeHtml,
  slugSchema,
  type EmbedService,
} from '../control-plane/index.js';
import { sendProblem } from './problem-details.filter.js';

/** A JSON body parser with a size limit whose errors are problem responses (it runs before Nest's filter). */
export function jsonBody(limit: string, types: string[]): RequestHandler {
  return withProblems(express.json({ limit, type: types, strict: true }), limit);
}

/** A raw (Buffer) body parser for images, answering like jsonBody. */
export function imageBody(limit: string, types: string[]): RequestHandler {
  return withProblems(express.raw({ limit, type: types }), limit);
}

function withProblems(parse: RequestHandler, limit: string): RequestHandler {
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const failure = error as { status?: number; type?: string; message?: string };
      if (failure.type === 'entity.too.large')
        return sendProblem(
          res,
          413,
          'payload-too-large',
          `the request body is over this route's ${limit} limit; send less`,
          { limit },
        );
      if (failure.type === 'entity.parse.failed')
        return sendProblem(
          res,
          400,
          'bad-request',
          `the request body is not valid JSON: ${failure.message ?? 'parse error'}`,
        );
      return sendProblem(
        res,
        failure.status ?? 400,
        'bad-request',
        failure.message ?? 'the request body could not be read',
      );
    });
}

/**
 * Body parsing per route: archives (64 MB), thumbnails (10 MB, raw images) and scenes (5 MB) are large, everything else is small
 * (64 kB); the LiveKit webhook gets its body as text (LiveKit signs the exact bytes it sends); asset
 * uploads are streamed to disk by their route, never parsed here.
 */
export function useBodyParsers(app: NestExpressApplication): void {
  app.use('/orgs/:org/worlds/import', jsonBody('64mb', ['application/json', ARCHIVE_MEDIA_TYPE]));
  app.use('/worlds/:slug/scene', jsonBody('5mb', ['application/json', 'application/json-patch+json']));
  app.use('/worlds/:slug/thumbnail', imageBody('10mb', THUMBNAIL_MEDIA_TYPES));
  app.use(
    '/livekit/webhook',
    express.text({ type: ['application/webhook+json', 'application/json'], limit: '256kb' }),
  );
  // Leave notices come as beacons, whose cross-site form needs no preflight (room-leave.controller.ts).
  app.use(
    '/rooms/:roomId/leave',
    withProblems(express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 4 }), '1kb'),
  );
  const smallJson = jsonBody('64kb', ['application/json']);
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) =>
    req.method === 'POST' && req.path === '/assets' ? next() : smallJson(req, res, next),
  );
}

/**
 * The OpenAPI document at /docs-json and its page at /docs, built from the controllers when first asked;
 * returns the document's getter (the 405 answers read the paths' methods from it).
 */
export function serveApiDocs(app: NestExpressApplication): () => OpenAPIObject {
  const openApi = new DocumentBuilder()
    .setTitle('metaverse-in-a-box')
    .setDescription('Control plane of a self-hosted real-time 3D world service.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An access token or an API key.' })
    .build();
  // Operation ids become the typed client's function names: worldsCreate, scenesPublish, authLogin…
  const operationIdFactory = (controller: string, method: string): string =>
    `${controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}${method.replace(/^./, (c) => c.toUpperCase())}`;
  let document: OpenAPIObject | undefined;
  const documentOnce = (): OpenAPIObject =>
    (document ??= documentCommonProblems(
      addNamedSchemas(SwaggerModule.createDocument(app, openApi, { operationIdFactory })),
    ));
  SwaggerModule.setup('docs', app, documentOnce, { jsonDocumentUrl: 'docs-json' });
  return documentOnce;
}

/**
 * The built apps (Vite output in `clientDir`): the player at / and /w/<slug> (a world's entry page), the
 * studio at /studio and /studio/<slug>, the embed at /embed/<slug> (framed only by the sites its key or
 * token allows) and the widget's loader at /embed.js. Without a build, one warning names the fix.
 */
export function servePlayer(
  app: NestExpressApplication,
  clientDir: string,
  logger: Logger,
  embeds: EmbedService,
): void {
  // Clickjacking: no other site may frame the player, the studio or anything else of ours but the embed
  // page, whose framing its key or token decides (embedFraming below). Old browsers read X-Frame-Options.
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!req.path.startsWith('/embed/')) {
      res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
      res.setHeader('X-Frame-Options', 'DENY');
    }
    next();
  });
  // The poster route is asked from other sites' pages: its answer (or its refusal) is readable by them.
  app.use('/embeds/:slug', (req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.method === 'GET') {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
      res.setHeader('Vary', 'Origin');
    }
    next();
  });
  // The apps' bundles, the widget's loader and the embed poster go out compressed: a page that embeds a
  // world pays for the loader's gzipped bytes only. (API answers, asset files and the decoders, whose
  // bytes the loading bar counts by Content-Length, are left as they are.)
  app.use(
    compression({
      filter: (req, res) =>
        req.method === 'GET' &&
        /^\/(embed\.js|assets\/[^/]+\.(js|css)|embeds\/.*)$/.test(req.path) &&
        compression.filter(req, res),
    }),
  );
  // The folder alone is not enough: building the server (its benchmarks import client code) makes
  // dist/client/src without the player's page.
  if (!existsSync(path.join(clientDir, 'index.html'))) {
    logger.warn({ clientDir }, 'the player is not built, so / has nothing to serve: run `npm run build`');
    return;
  }
  // The loader is fetched cross-site by every embedding page, and changes with each release.
  app.use('/embed.js', (_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'public, max-age=300');
    next();
  });
  app.useStaticAssets(clientDir, { index: 'index.html', maxAge: '1h' });
  const page = (file: string) => (_req: express.Request, res: express.Response) =>
    res.sendFile(path.join(clientDir, file));
  // The apps route inside themselves; their addresses all load the app's page. A world's entry page (its
  // share link) carries Open Graph tags for link previews.
  const player = readFileSync(path.join(clientDir, 'index.html'), 'utf8');
  app.use('/w/:slug', (req: express.Request, res: express.Response, next: express.NextFunction) => {
    shareTags(embeds, req)
      // The tags carry the world's own <title>.
      .then((tags) =>
        res
          .type('html')
          .send(
            tags ? player.replace(/<title>[^<]*<\/title>/, '').replace('</head>', `${tags}</head>`) : player,
          ),
      )
      .catch(next);
  });
  app.use(/^\/studio(\/[a-z0-9-]*)?\/?$/, page('studio.html'));
  const embedPage = readFileSync(path.join(clientDir, 'embed.html'), 'utf8');
  app.use('/embed/:slug', (req: express.Request, res: express.Response, next: express.NextFunction) => {
    embedFraming(embeds, req)
      .then((ancestors) => {
        res.setHeader('Content-Security-Policy', `frame-ancestors ${ancestors.join(' ')}`);
        res.setHeader('Cache-Control', 'no-store');
        // oEmbed discovery: content systems given this address find how to embed it.
        const here = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
        const discovery = `<link rel="alternate" type="application/json+oembed" href="/oembed?url=${encodeURIComponent(here)}" title="oEmbed" />`;
        res.type('html').send(embedPage.replace('</head>', `${discovery}</head>`));
      })
      .catch(next);
  });
}

/**
 * Open Graph and Twitter card tags for a world's share link (/w/<slug>): its name, description and
 * thumbnail, for public and unlisted worlds only (a private world's name must not leak into previews).
 */
async function shareTags(embeds: EmbedService, req: express.Request): Promise<string> {
  const slug = String(req.params.slug ?? '');
  if (!slugSchema.safeParse(slug).success) return '';
  const facts = await embeds.shareFacts(slug);
  if (!facts) return '';
  const server = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const meta = (property: string, content: string) =>
    `<meta property="${property}" content="${escapeHtml(content)}" />`;
  return [
    meta('og:type', 'website'),
    meta('og:site_name', 'metaverse-in-a-box'),
    meta('og:title', facts.name),
    meta('og:description', facts.description || `${facts.name}: a live 3D world to walk in together`),
    meta('og:url', `${server}/w/${slug}`),
    ...(facts.thumbnail ? [meta('og:image', `${server}/worlds/${slug}/thumbnail`)] : []),
    `<meta name="twitter:card" content="${facts.thumbnail ? 'summary_large_image' : 'summary'}" />`,
    `<title>${escapeHtml(facts.name)} · metaverse-in-a-box</title>`,
  ].join('');
}

/**
 * Who may frame this embed page: this server itself (the studio's preview) and the origins the key or
 * token in its address allows. A page with no valid key frames only here — the browser then blocks it on
 * other sites, and the widget's loader, which asks first, says why in its box.
 */
async function embedFraming(embeds: EmbedService, req: express.Request): Promise<string[]> {
  const slug = String(req.params.slug ?? '');
  const key = typeof req.query.k === 'string' ? req.query.k : undefined;
  const token = typeof req.query.t === 'string' ? req.query.t : undefined;
  const credential = key ? { key } : token ? { token } : undefined;
  const origins =
    credential && slugSchema.safeParse(slug).success ? await embeds.frameAncestors(slug, credential) : [];
  return ["'self'", ...origins];
}
