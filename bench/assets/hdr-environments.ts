/**
 * HDR environments for tests and benchmarks: a Radiance .hdr written in code (flat RGBE scanlines, as the
 * format allows, so the pipeline's reader is not tested with its own writer), of a sky made in code — a
 * blue gradient over a brown ground with a small sun far brighter than the rest — and the built-in
 * environments @pmndrs/assets ships (real photographed HDRIs from Poly Haven, DWAB-compressed EXR).
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';

/** Linear RGB at a direction given as longitude u (0–1 across) and latitude v (0 top – 1 bottom). */
export type SkyFunction = (u: number, v: number) => [number, number, number];

/** Sun at the image's centre column, 30° above the horizon: u 0.5, v = 1/3. */
export const SUN_AT: { u: number; v: number } = { u: 0.5, v: 1 / 3 };

export const generatedSky: SkyFunction = (u, v) => {
  const du = (u - SUN_AT.u) * 2;
  const dv = v - SUN_AT.v;
  if (du * du + dv * dv < 0.0004) return [2000, 1900, 1700]; // the sun: a disc about 2° across
  if (v > 0.5) return [0.12, 0.09, 0.06]; // ground
  const up = 1 - v * 2; // 1 at the zenith, 0 at the horizon
  return [0.3 + 0.5 * (1 - up), 0.5 + 0.4 * (1 - up), 1.2 - 0.2 * up];
};

/** A Radiance RGBE (.hdr) image of `sky`, `width` × `height`, in flat (not run-length encoded) scanlines. */
export function radianceHdr(width: number, height: number, sky: SkyFunction = generatedSky): Uint8Array {
  const header = new TextEncoder().encode(
    `#?RADIANCE\n# made by metaverse-in-a-box's tests\nFORMAT=32-bit_rle_rgbe\n\n-Y ${height} +X ${width}\n`,
  );
  const out = new Uint8Array(header.length + width * height * 4);
  out.set(header);
  let at = header.length;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = sky((x + 0.5) / width, (y + 0.5) / height);
      out.set(rgbe(r, g, b), at);
      at += 4;
    }
  return out;
}

function rgbe(r: number, g: number, b: number): [number, number, number, number] {
  const top = Math.max(r, g, b);
  if (top < 1e-32) return [0, 0, 0, 0];
  const exponent = Math.ceil(Math.log2(top));
  const scale = 256 / 2 ** exponent;
  const byte = (value: number) => Math.min(255, Math.floor(value * scale));
  return [byte(r), byte(g), byte(b), exponent + 128];
}

/** Names of @pmndrs/assets' built-in environments (each a 512 × 256 EXR). */
export const BUILT_IN_ENVIRONMENTS = ['park', 'sunset', 'night', 'city', 'lobby', 'forest'] as const;

/** The bytes of one of @pmndrs/assets' HDRIs (shipped as a base64 data URI in a JS module). */
export async function builtInEnvironment(name: string): Promise<Uint8Array> {
  const file = createRequire(import.meta.url).resolve(`@pmndrs/assets/hdri/${name}.exr.js`);
  const source = await readFile(file, 'utf8');
  const base64 = /base64,([A-Za-z0-9+/=]+)/.exec(source)?.[1];
  if (!base64) throw new Error(`${file} does not hold a base64 data URI`);
  return new Uint8Array(Buffer.from(base64, 'base64'));
}
