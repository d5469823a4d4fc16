/**
 * Which texels of a texture a model can ever sample: its triangles drawn in UV space, grown by the bilinear
 * footprint. Texels outside them — the gutters between UV charts, the unused corners of an atlas — never
 * reach the screen, so the texture-detail check (`texture-detail.ts`) does not count them.
 *
 * Whenever that cannot be known exactly, there is no mask and every texel counts: a UV transform
 * (KHR_texture_transform), texture coordinates outside 0–1 (a tiling texture), a primitive that is not a
 * triangle list, morph targets that move texture coordinates, a use of the texture outside a material, or
 * more rasterization work than MAX_TESTS_PER_TEXEL allows.
 */
import {
  ExtensionProperty,
  Primitive,
  TextureInfo,
  type Accessor,
  type Texture,
  type Document,
  type Material,
  type Property,
} from '@gltf-transform/core';

/**
 * How far beyond a triangle's edges texel centres are still read, in texels: bilinear filtering reads the
 * four texels around a sample, whose centres lie up to √2 texels away.
 */
const FOOTPRINT_TEXELS = 1.5;
/** Coordinates this far outside 0–1 still count as inside (rounding in exporters), in UV units. */
const UV_SLACK = 1e-4;
/** Rasterization gives up (every texel counts) beyond this many texel tests per texel of the texture. */
const MAX_TESTS_PER_TEXEL = 32;

interface TextureUse {
  material: Material;
  texCoord: number;
  transformed: boolean;
}

/** Each material slot holding `texture`, with its texture-coordinate set; undefined if any use is elsewhere. */
function usesOf(document: Document, texture: Texture): TextureUse[] | undefined {
  const graph = document.getGraph();
  const uses: TextureUse[] = [];
  const holders = new Set<Property>();
  const visit = (material: Material, property: Property, seen: Set<Property>): void => {
    const edges = graph.listChildEdges(property);
    for (const edge of edges) {
      if (edge.getChild() !== texture) continue;
      holders.add(property);
      const info = edges.find((candidate) => candidate.getName() === `${edge.getName()}Info`)?.getChild();
      if (!(info instanceof TextureInfo)) continue;
      const transformed = info.getExtension('KHR_texture_transform') !== null;
      uses.push({ material, texCoord: info.getTexCoord(), transformed });
    }
    for (const edge of edges) {
      const child = edge.getChild();
      if (child instanceof ExtensionProperty && !seen.has(child)) {
        seen.add(child);
        visit(material, child, seen);
      }
    }
  };
  for (const material of document.getRoot().listMaterials()) visit(material, material, new Set());
  const root = document.getRoot();
  const elsewhere = graph
    .listParentEdges(texture)
    .some((edge) => edge.getParent() !== root && !holders.has(edge.getParent()));
  return elsewhere || uses.length === 0 ? undefined : uses;
}

/** The triangle-list primitives drawn with `material`, or undefined when one of them cannot be rasterized. */
function coordinatesOf(document: Document, use: TextureUse): Accessor[][] | undefined {
  const semantic = `TEXCOORD_${use.texCoord}`;
  const lists: Accessor[][] = [];
  for (const mesh of document.getRoot().listMeshes()) {
    for (const primitive of mesh.listPrimitives()) {
      if (primitive.getMaterial() !== use.material) continue;
      const uv = primitive.getAttribute(semantic);
      if (!uv || primitive.getMode() !== Primitive.Mode.TRIANGLES) return undefined;
      if (primitive.listTargets().some((target) => target.getAttribute(semantic))) return undefined;
      const indices = primitive.getIndices();
      lists.push(indices ? [uv, indices] : [uv]);
    }
  }
  return lists;
}

/** A triangle's corners in texels: x, y of each. */
type Triangle = [number, number, number, number, number, number];

/** Each edge of the triangle being drawn as a line nx·x + ny·y + d (reused: no allocation per triangle). */
const edgeLines = new Float64Array(9);

/**
 * Sets `edgeLines[3 * edge …]` to the line through (x0, y0) and (x1, y1), scaled so that its value is the
 * signed distance in texels, positive on the triangle's inside (`orientation` is the sign of its area).
 */
function setEdge(edge: number, x0: number, y0: number, x1: number, y1: number, orientation: number): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const nx = (-(y1 - y0) / length) * orientation;
  const ny = ((x1 - x0) / length) * orientation;
  edgeLines[edge * 3] = nx;
  edgeLines[edge * 3 + 1] = ny;
  edgeLines[edge * 3 + 2] = -(nx * x0 + ny * y0);
}

/**
 * Marks the texels whose centres lie within FOOTPRINT_TEXELS of one triangle (corners in texels), wrapping
 * at the sides. Row by row, each edge bounds the run of marked texels, so the cost is one span per row.
 * Returns the bounding box's area in texels (the work bound that sampledTexels caps).
 */
function drawTriangle(
  mask: Uint8Array,
  width: number,
  height: number,
  [ax, ay, bx, by, cx, cy]: Triangle,
): number {
  const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  if (Math.abs(area) < 1e-9) return 0; // a degenerate triangle draws nothing
  const orientation = Math.sign(area);
  setEdge(0, ax, ay, bx, by, orientation);
  setEdge(1, bx, by, cx, cy, orientation);
  setEdge(2, cx, cy, ax, ay, orientation);
  const minX = Math.floor(Math.min(ax, bx, cx) - FOOTPRINT_TEXELS);
  const maxX = Math.ceil(Math.max(ax, bx, cx) + FOOTPRINT_TEXELS);
  const minY = Math.floor(Math.min(ay, by, cy) - FOOTPRINT_TEXELS);
  const maxY = Math.ceil(Math.max(ay, by, cy) + FOOTPRINT_TEXELS);
  for (let y = minY; y <= maxY; y += 1) {
    // Texel (x, y) is marked when nx·(x + ½) + ny·(y + ½) + d ≥ −FOOTPRINT_TEXELS for all three edges.
    let from = minX;
    let to = maxX;
    for (let edge = 0; edge < 3 && from <= to; edge += 1) {
      const nx = edgeLines[edge * 3]!;
      const rest = edgeLines[edge * 3 + 1]! * (y + 0.5) + edgeLines[edge * 3 + 2]! + FOOTPRINT_TEXELS;
      if (Math.abs(nx) < 1e-12) {
        if (rest < 0) to = from - 1; // the whole row is outside this edge
      } else if (nx > 0) {
        from = Math.max(from, Math.ceil(-rest / nx - 0.5));
      } else {
        to = Math.min(to, Math.floor(-rest / nx - 0.5));
      }
    }
    const row = (((y % height) + height) % height) * width;
    for (let x = from; x <= to; x += 1) mask[row + (((x % width) + width) % width)] = 1;
  }
  return (maxX - minX + 1) * (maxY - minY + 1);
}

/**
 * A width × height mask (1 = sampled) of the texels the model can read from `texture`, or undefined when
 * every texel must count (see the file comment).
 */
export function sampledTexels(
  document: Document,
  texture: Texture,
  width: number,
  height: number,
): Uint8Array | undefined {
  const uses = usesOf(document, texture);
  if (!uses || uses.some((use) => use.transformed)) return undefined;
  const mask = new Uint8Array(width * height);
  const maxTests = MAX_TESTS_PER_TEXEL * width * height;
  let tests = 0;
  const uv: number[] = [0, 0];
  const corners: Triangle = [0, 0, 0, 0, 0, 0];
  for (const use of uses) {
    const lists = coordinatesOf(document, use);
    if (!lists) return undefined;
    for (const [coordinates, indices] of lists) {
      const count = indices ? indices.getCount() : coordinates!.getCount();
      for (let first = 0; first + 2 < count; first += 3) {
        for (let corner = 0; corner < 3; corner += 1) {
          const vertex = indices ? indices.getScalar(first + corner) : first + corner;
          coordinates!.getElement(vertex, uv);
          const [u, v] = [uv[0]!, uv[1]!];
          if (u < -UV_SLACK || u > 1 + UV_SLACK || v < -UV_SLACK || v > 1 + UV_SLACK) return undefined;
          corners[corner * 2] = u * width;
          corners[corner * 2 + 1] = v * height;
        }
        tests += drawTriangle(mask, width, height, corners);
        if (tests > maxTests) return undefined;
      }
    }
  }
  return mask.includes(1) ? mask : undefined;
}
