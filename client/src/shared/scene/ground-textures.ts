/**
 * The ground's patterns, drawn in code on a canvas (nothing downloaded): paving slabs with joints and a
 * little colour from slab to slab, grass speckled light and dark, or a grid of lines both ways. Each
 * texture holds PATTERN_REPEATS × PATTERN_REPEATS slabs or cells and repeats across the ground.
 */
import { CanvasTexture, Color, RepeatWrapping, SRGBColorSpace } from 'three';
import { seededRandom } from '../../../../protocol/index.js';

export type GroundPattern = 'paving' | 'grass' | 'grid' | 'plain';

/** Slabs or cells along each side of one texture. */
export const PATTERN_REPEATS = 4;
const SIZE_PX = 512;

/** `colour` made lighter (amount > 0) or darker (< 0), as a CSS colour. */
function shade(colour: Color, amount: number): string {
  const shaded = colour.clone().offsetHSL(0, 0, amount);
  return `#${shaded.getHexString()}`;
}

function drawPaving(context: CanvasRenderingContext2D, colour: Color, random: () => number): void {
  const slab = SIZE_PX / PATTERN_REPEATS;
  const joint = Math.max(2, Math.round(slab * 0.035));
  context.fillStyle = shade(colour, -0.18);
  context.fillRect(0, 0, SIZE_PX, SIZE_PX);
  for (let row = 0; row < PATTERN_REPEATS; row += 1)
    for (let column = 0; column < PATTERN_REPEATS; column += 1) {
      const x = column * slab + joint / 2;
      const y = row * slab + joint / 2;
      context.fillStyle = shade(colour, (random() - 0.5) * 0.08);
      context.fillRect(x, y, slab - joint, slab - joint);
      // Weathering: faint specks within the slab.
      for (let speck = 0; speck < 140; speck += 1) {
        context.fillStyle = shade(colour, (random() - 0.5) * 0.16);
        context.globalAlpha = 0.35;
        context.fillRect(x + random() * (slab - joint - 3), y + random() * (slab - joint - 3), 3, 3);
      }
      context.globalAlpha = 1;
    }
}

function drawGrass(context: CanvasRenderingContext2D, colour: Color, random: () => number): void {
  context.fillStyle = `#${colour.getHexString()}`;
  context.fillRect(0, 0, SIZE_PX, SIZE_PX);
  for (let blade = 0; blade < 9_000; blade += 1) {
    context.fillStyle = shade(colour, (random() - 0.5) * 0.14);
    context.fillRect(random() * SIZE_PX, random() * SIZE_PX, 2, 2 + random() * 4);
  }
}

function drawGrid(context: CanvasRenderingContext2D, colour: Color): void {
  const cell = SIZE_PX / PATTERN_REPEATS;
  context.fillStyle = `#${colour.getHexString()}`;
  context.fillRect(0, 0, SIZE_PX, SIZE_PX);
  context.fillStyle = shade(colour, -0.07);
  // Lines both ways, on the cells' edges (half a line each side, so repeats meet seamlessly).
  for (let line = 0; line <= PATTERN_REPEATS; line += 1) {
    const at = line * cell - 1.5;
    context.fillRect(at, 0, 3, SIZE_PX);
    context.fillRect(0, at, SIZE_PX, 3);
  }
}

/** The pattern's texture in `colour`, repeating `repeats` times across the ground; null for 'plain'. */
export function groundTexture(pattern: GroundPattern, colour: string, repeats: number): CanvasTexture | null {
  if (pattern === 'plain') return null;
  const canvas = document.createElement('canvas');
  canvas.width = SIZE_PX;
  canvas.height = SIZE_PX;
  const context = canvas.getContext('2d');
  if (!context) return null;
  const base = new Color(colour);
  // Seeded: a pattern looks the same on every visit.
  const random = seededRandom(0x6d1b);
  if (pattern === 'paving') drawPaving(context, base, random);
  else if (pattern === 'grass') drawGrass(context, base, random);
  else drawGrid(context, base);
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.wrapS = RepeatWrapping;
  texture.wrapT = RepeatWrapping;
  texture.repeat.set(repeats, repeats);
  return texture;
}
