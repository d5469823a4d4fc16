/**
 * The contract between the asset renderer page (client/render.html, in the browser) and the pipeline
 * that drives it (asset-pipeline/render/, in Node): `window.__mibRender(RenderRequest) → RenderResult`.
 */

/** Where the camera is and what it looks at, in the model's units (metres); near/far planes likewise. */
export interface RenderCamera {
  position: [number, number, number];
  target: [number, number, number];
  near: number;
  far: number;
}

export interface RenderRequest {
  /** Same-origin URL of the GLB to draw. */
  url: string;
  /** Square image side, in pixels. */
  size: number;
  /** Absent → the model is framed from its bounding sphere. */
  camera?: RenderCamera;
}

export interface RenderResult {
  /** `data:image/png;base64,…` */
  png: string;
  /** The camera used: pass it back to draw another model from the same place. */
  camera: RenderCamera;
  drawCalls: number;
  triangles: number;
}

/** A whole scene drawn by the shared scene renderer (world thumbnails), framed from above at three quarters. */
export interface SceneRenderRequest {
  /** A schema 2 scene document; its assets are read from `/assets/…` on the page's origin. */
  scene: unknown;
  width: number;
  height: number;
  /** Give up waiting for models after this long, in ms (those still loading are left out). */
  timeoutMs: number;
}

export interface SceneRenderResult {
  png: string;
  /** Models drawn, and those that failed or were still loading when the picture was taken. */
  models: { loaded: number; failed: number; pending: number };
}

/** The page's global entry points and its readiness flag. */
export interface RenderPageGlobals {
  __mibRender: (request: RenderRequest) => Promise<RenderResult>;
  __mibRenderScene: (request: SceneRenderRequest) => Promise<SceneRenderResult>;
  __mibRenderReady: boolean;
}
