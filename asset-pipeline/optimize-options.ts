/** How an upload is optimized; the defaults mirror `gltf-transform optimize` where the issue is silent. */
import type { Budget } from './profiles.js';

export interface OptimizeOptions {
  /** Geometry compression: meshopt (default; also compresses animation) or Draco. */
  geometry: 'meshopt' | 'draco';
  /** Textures to KTX2 (UASTC for normal/occlusion/metal-rough, ETC1S for colour) instead of WebP. */
  ktx2: boolean;
  /** Over budget → simplify and resize until it fits, instead of rejecting. */
  fit: boolean;
  /** Extra levels of detail: vertex ratios of LOD1, LOD2… (LOD0 is the asset itself). */
  lodRatios: number[];
}

export const DEFAULT_OPTIMIZE_OPTIONS: OptimizeOptions = {
  geometry: 'meshopt',
  ktx2: false,
  fit: false,
  lodRatios: [0.5, 0.2],
};

/** The standard tool's texture size cap, in pixels. */
export const STANDARD_TEXTURE_PX = 2048;

/** Texture side cap for a level: the standard cap, the budget's when fitting, halved per LOD level. */
export function textureCapPx(budget: Budget, fit: boolean, level: number): number {
  const base = fit ? Math.min(STANDARD_TEXTURE_PX, budget.textureMaxPx) : STANDARD_TEXTURE_PX;
  return Math.max(64, Math.floor(base / 2 ** level));
}
