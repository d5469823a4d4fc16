/**
 * Renders GLBs to PNGs in headless Chromium (Debian's, driven by playwright-core, software WebGL) with the
 * player's renderer page (client/render.html, built into dist/client): thumbnails, and the benchmark's
 * image comparison. Nothing is served over the network: the page and the model are answered in-process.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RenderCamera, RenderPageGlobals, SceneRenderResult } from '../../protocol/index.js';
import { CHROMIUM_ARGS } from './chromium-args.js';

export type { RenderCamera };

export interface RenderedImage {
  png: Uint8Array;
  /** Where the camera was: pass it to render another model from the same place. */
  camera: RenderCamera;
  drawCalls: number;
  triangles: number;
}

/** What the page asks for under /assets/ while it draws a scene, answered by the caller (the server). */
export type AssetFiles = (
  pathname: string,
) => Promise<{ status: number; contentType: string; body: Buffer } | undefined>;

export interface RenderedScene {
  png: Uint8Array;
  models: SceneRenderResult['models'];
}

export interface GltfRenderer {
  render(glb: Uint8Array, options: { size: number; camera?: RenderCamera }): Promise<RenderedImage>;
  /** A whole scene through the shared scene renderer; its assets are read through `assets`. */
  renderScene(
    scene: unknown,
    options: { width: number; height: number; timeoutMs: number },
    assets: AssetFiles,
  ): Promise<RenderedScene>;
  close(): Promise<void>;
}

/** Why rendering is not possible here (the caller reports it; it is not an error). */
export interface RendererUnavailable {
  unavailable: string;
}

const ORIGIN = 'http://render.mib.invalid';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export async function openChromiumRenderer(options: {
  pageDir: string;
  chromiumPath: string;
}): Promise<GltfRenderer | RendererUnavailable> {
  if (!existsSync(options.chromiumPath)) {
    return {
      unavailable: `Chromium is not installed at ${options.chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`,
    };
  }
  if (!existsSync(path.join(options.pageDir, 'render.html'))) {
    return {
      unavailable: `the renderer page is not built (${options.pageDir}/render.html); run \`npm run build\``,
    };
  }
  // Loaded on first use: playwright-core takes about a second to import, and most processes never render.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: options.chromiumPath,
    args: CHROMIUM_ARGS,
  });
  try {
    return await ChromiumRenderer.open(browser, options.pageDir);
  } catch (error) {
    await browser.close();
    throw error;
  }
}

class ChromiumRenderer implements GltfRenderer {
  private readonly models = new Map<string, Uint8Array>();
  private readonly pageErrors: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private sequence = 0;
  /** Answers the page's /assets/ requests while a scene renders (one render at a time). */
  private assets: AssetFiles | undefined;

  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async open(browser: Browser, pageDir: string): Promise<ChromiumRenderer> {
    const page = await browser.newPage();
    const renderer = new ChromiumRenderer(browser, page);
    page.on('pageerror', (error) => renderer.pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') renderer.pageErrors.push(message.text());
    });
    await page.route(`${ORIGIN}/**`, async (route) => {
      const pathname = new URL(route.request().url()).pathname;
      const model = pathname.startsWith('/model/')
        ? renderer.models.get(pathname.slice('/model/'.length))
        : undefined;
      if (model) {
        await route.fulfill({ status: 200, contentType: 'model/gltf-binary', body: Buffer.from(model) });
        return;
      }
      // The server's assets by hash (the page's own built files are under /assets/ too, by name).
      if (/^\/assets\/(files\/)?[0-9a-f]{64}$/.test(pathname)) {
        const answer = await renderer.assets?.(pathname).catch(() => undefined);
        await route.fulfill(answer ?? { status: 404, body: 'not found' });
        return;
      }
      const file = path.join(pageDir, path.normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, ''));
      if (!file.startsWith(pageDir) || !existsSync(file)) {
        await route.fulfill({ status: 404, body: 'not found' });
        return;
      }
      await route.fulfill({
        status: 200,
        contentType: TYPES[path.extname(file)] ?? 'application/octet-stream',
        body: await readFile(file),
      });
    });
    await page.goto(`${ORIGIN}/render.html`);
    await page.waitForFunction(
      () => (globalThis as unknown as Partial<RenderPageGlobals>).__mibRenderReady === true,
    );
    return renderer;
  }

  render(glb: Uint8Array, options: { size: number; camera?: RenderCamera }): Promise<RenderedImage> {
    // One page renders one model at a time; callers queue.
    const next = this.queue.then(() => this.renderNow(glb, options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async renderNow(
    glb: Uint8Array,
    options: { size: number; camera?: RenderCamera },
  ): Promise<RenderedImage> {
    this.sequence += 1;
    const id = `${this.sequence}.glb`;
    this.models.set(id, glb);
    this.pageErrors.length = 0;
    try {
      const result = await this.page.evaluate(
        (request) => (globalThis as unknown as RenderPageGlobals).__mibRender(request),
        { url: `/model/${id}`, size: options.size, ...(options.camera ? { camera: options.camera } : {}) },
      );
      return {
        png: new Uint8Array(Buffer.from(result.png.slice(result.png.indexOf(',') + 1), 'base64')),
        camera: result.camera,
        drawCalls: result.drawCalls,
        triangles: result.triangles,
      };
    } catch (error) {
      const detail = this.pageErrors.length > 0 ? ` (page: ${this.pageErrors.join('; ')})` : '';
      throw new Error(
        `asset-pipeline: rendering failed: ${(error as Error).message.split('\n')[0]}${detail}`,
        { cause: error },
      );
    } finally {
      this.models.delete(id);
    }
  }

  renderScene(
    scene: unknown,
    options: { width: number; height: number; timeoutMs: number },
    assets: AssetFiles,
  ): Promise<RenderedScene> {
    const next = this.queue.then(async () => {
      this.assets = assets;
      this.pageErrors.length = 0;
      try {
        const result = await this.page.evaluate(
          (request) => (globalThis as unknown as RenderPageGlobals).__mibRenderScene(request),
          { scene, ...options },
        );
        return {
          png: new Uint8Array(Buffer.from(result.png.slice(result.png.indexOf(',') + 1), 'base64')),
          models: result.models,
        };
      } catch (error) {
        const detail = this.pageErrors.length > 0 ? ` (page: ${this.pageErrors.join('; ')})` : '';
        throw new Error(
          `asset-pipeline: rendering the scene failed: ${(error as Error).message.split('\n')[0]}${detail}`,
          { cause: error },
        );
      } finally {
        this.assets = undefined;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
