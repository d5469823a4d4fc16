/**
 * The optimization passes, in the order the `gltf-transform optimize` CLI runs them: dedup, instance,
 * palette, flatten, join, weld, simplify, resample, prune, sparse, then textures and geometry compression.
 * prepareGeometry runs the first group once; finishLevel runs textures + compression per level of detail.
 */
import type { Document, Transform } from '@gltf-transform/core';
import {
  dedup,
  flatten,
  instance,
  join,
  palette,
  prune,
  resample,
  simplify,
  sparse,
  textureCompress,
  weld,
  draco,
  meshopt,
} from '@gltf-transform/functions';
import { MeshoptSimplifier, MeshoptEncoder } from 'meshoptimizer';
import sharp from 'sharp';
import { encodeTexturesToKtx2, type Ktx2Plan } from './ktx2-encode-pool.js';

/** Simplification error tolerance (fraction of mesh extent) of the standard tool: visually lossless. */
const LOSSLESS_SIMPLIFY_ERROR = 1e-4;

export interface PrepareOptions {
  /** Keep at most this fraction of vertices (fit to a triangle budget); undefined = lossless only. */
  targetRatio?: number;
  /**
   * Keep every node and mesh as it is (a VRM: its humanoid, expressions and first-person settings name
   * nodes and morph targets, which instancing, flattening, joining and simplifying would move or merge).
   */
  keepStructure?: boolean;
}

export async function prepareGeometry(document: Document, options: PrepareOptions): Promise<void> {
  if (options.keepStructure) {
    await document.transform(
      dedup(),
      weld(),
      resample(),
      prune({ keepAttributes: false, keepIndices: false, keepLeaves: true, keepSolidTextures: false }),
      sparse(),
    );
    return;
  }
  const transforms: Transform[] = [
    dedup(),
    instance({ min: 5 }),
    palette({ min: 5 }),
    flatten(),
    join({ keepNamed: false, keepMeshes: false }),
    weld(),
    simplify({
      simplifier: MeshoptSimplifier,
      ratio: options.targetRatio ?? 0,
      // Fitting a budget: the ratio decides, whatever the error (the caller asked for it to fit).
      error: options.targetRatio === undefined ? LOSSLESS_SIMPLIFY_ERROR : 1,
      lockBorder: false,
    }),
    resample(),
    prune({ keepAttributes: false, keepIndices: false, keepLeaves: false, keepSolidTextures: false }),
    sparse(),
  ];
  await document.transform(...transforms);
}

/** Reduces a prepared copy to a level of detail: `ratio` of its vertices, with a looser error bound. */
export async function simplifyForLod(document: Document, ratio: number): Promise<void> {
  // The error bound loosens as the level gets coarser (it is seen from farther away): 0.5 → 2 %, 0.2 → 5 %.
  await document.transform(
    simplify({ simplifier: MeshoptSimplifier, ratio, error: 0.01 / ratio, lockBorder: false }),
    prune({ keepAttributes: false, keepIndices: false, keepLeaves: false, keepSolidTextures: false }),
  );
}

export interface FinishOptions {
  geometry: 'meshopt' | 'draco';
  ktx2: boolean;
  /** Largest texture side, in pixels. */
  texturePx: number;
  /** Refuse to decode images with more pixels (decompression-bomb guard, passed to sharp). */
  maxImagePixels: number;
}

/** Data textures: sampled as numbers, not colours. */
const NORMAL_SLOTS = /^normalTexture$/;
const LINEAR_DATA_SLOTS = /^(occlusionTexture|metallicRoughnessTexture)$/;
const COLOR_SLOTS = /^(?!normalTexture$|occlusionTexture$|metallicRoughnessTexture$).*/;
/**
 * Data textures must not be tagged sRGB: three.js's KTX2Loader takes the colour space from the file's
 * transfer function (ktx2-encoder tags sRGB unless told), and a normal map decoded as sRGB lights the model
 * wrongly. They are also encoded and mip-mapped as linear numbers (not perceptually).
 */
const LINEAR_DATA = { isSetKTX2SRGBTransferFunc: false, isPerceptual: false } as const;

/** Basis settings per kind of texture: UASTC where precision matters, ETC1S for colour. */
const KTX2_PLANS: Ktx2Plan[] = (() => {
  // Rate-distortion optimisation makes UASTC blocks compress far better under Zstandard, for a loss the
  // renders cannot show (bench:assets keeps ssimMin ≥ 0.95).
  const uastc = {
    enableDebug: false,
    isUASTC: true,
    generateMipmap: true,
    needSupercompression: true,
    enableRDO: true,
    rdoQualityLevel: 2,
  };
  return [
    { slots: NORMAL_SLOTS, settings: { ...uastc, ...LINEAR_DATA, isNormalMap: true } },
    { slots: LINEAR_DATA_SLOTS, settings: { ...uastc, ...LINEAR_DATA } },
    {
      slots: COLOR_SLOTS,
      settings: {
        enableDebug: false,
        isUASTC: false,
        generateMipmap: true,
        qualityLevel: 128,
        isSetKTX2SRGBTransferFunc: true,
        isPerceptual: true,
      },
    },
  ];
})();

export async function finishLevel(document: Document, options: FinishOptions): Promise<void> {
  const resize: [number, number] = [options.texturePx, options.texturePx];
  // gltf-transform passes only on/off to sharp (on = sharp's ~268 Mpx cap); our own tighter cap is checked
  // from the image headers at validation, and applied exactly where the KTX2 encoder decodes.
  // With KTX2, textures are resized keeping their format, then encoded by the pool.
  const targetFormat = options.ktx2 ? undefined : 'webp';
  await document.transform(
    textureCompress({
      encoder: sharp,
      resize,
      limitInputPixels: true,
      ...(targetFormat && { targetFormat }),
    }),
  );
  if (options.ktx2) await encodeTexturesToKtx2(document, KTX2_PLANS, options.maxImagePixels);
  // The upload's own geometry compression (a Draco input, say) would otherwise stay in use beside ours:
  // its geometry is decoded already, and left in use it also stops meshopt from quantizing normals.
  const other = options.geometry === 'draco' ? 'EXT_meshopt_compression' : 'KHR_draco_mesh_compression';
  for (const extension of document.getRoot().listExtensionsUsed()) {
    if (extension.extensionName === other) extension.dispose();
  }
  await document.transform(
    options.geometry === 'draco' ? draco() : meshopt({ encoder: MeshoptEncoder, level: 'high' }),
  );
}
