/**
 * A small builder of flat- and smooth-shaded solids (boxes, cylinders and cones, rings, faceted spheres)
 * written as one GLB with gltf-transform. Looks are vertex colours on a few shared surfaces (matte, shiny,
 * and one per glowing look), so a piece is one or two draws however many colours it has. Enough for the demo plaza's furniture, which
 * is made in code so a fresh installation has a furnished world with nothing downloaded. Units are metres,
 * +y up; every solid is given in the model's own space. Deterministic: the same calls give the same bytes.
 */
import { Document, NodeIO } from '@gltf-transform/core';

export interface MaterialLook {
  /** #rrggbb in sRGB. */
  color: string;
  roughness: number;
  metalness?: number;
  /** #rrggbb: light the surface gives off (a lamp's globe). */
  emissive?: string;
}

type Vec3 = readonly [number, number, number];

interface Part {
  positions: number[];
  normals: number[];
  colors: number[];
  indices: number[];
}

/** Looks below this roughness share the shiny surface; the rest the matte one. */
const SHINY_BELOW = 0.3;
const MATTE = { roughness: 0.8, metalness: 0 };
const SHINY = { roughness: 0.12, metalness: 0.1 };

const linear = (hex: string): [number, number, number] =>
  [1, 3, 5].map((at) => (Number.parseInt(hex.slice(at, at + 2), 16) / 255) ** 2.2) as [
    number,
    number,
    number,
  ];

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const unit = (v: Vec3): Vec3 => {
  const length = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / length, v[1] / length, v[2] / length];
};

export class MeshBuilder {
  /** By surface: 'matte', 'shiny', or a glowing look's name. */
  private readonly parts = new Map<string, Part>();
  private current: [number, number, number] = [1, 1, 1];

  constructor(private readonly looks: Readonly<Record<string, MaterialLook>>) {}

  /** The part the next vertices go to, with `material`'s colour as theirs. */
  private part(material: string): Part {
    const look = this.looks[material];
    if (!look) throw new Error(`mesh builder: no material "${material}"`);
    const surface = look.emissive ? material : look.roughness < SHINY_BELOW ? 'shiny' : 'matte';
    let part = this.parts.get(surface);
    if (!part) this.parts.set(surface, (part = { positions: [], normals: [], colors: [], indices: [] }));
    this.current = linear(look.color);
    return part;
  }

  /** Colours every vertex added since `from` with the current look's colour. */
  private paint(part: Part, from: number): void {
    for (let i = from; i < part.positions.length / 3; i++) part.colors.push(...this.current);
  }

  /** A flat quad a→b→c→d (counter-clockwise seen from its front). */
  quad(material: string, a: Vec3, b: Vec3, c: Vec3, d: Vec3): this {
    const part = this.part(material);
    const n = unit(cross(sub(b, a), sub(c, a)));
    const base = part.positions.length / 3;
    for (const p of [a, b, c, d]) {
      part.positions.push(...p);
      part.normals.push(...n);
    }
    part.indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
    this.paint(part, base);
    return this;
  }

  /** A flat triangle a→b→c (counter-clockwise seen from its front). */
  triangle(material: string, a: Vec3, b: Vec3, c: Vec3): this {
    const part = this.part(material);
    const n = unit(cross(sub(b, a), sub(c, a)));
    const base = part.positions.length / 3;
    for (const p of [a, b, c]) {
      part.positions.push(...p);
      part.normals.push(...n);
    }
    part.indices.push(base, base + 1, base + 2);
    this.paint(part, base);
    return this;
  }

  /** An axis-aligned box from its centre and full size. */
  box(material: string, centre: Vec3, size: Vec3): this {
    const [x0, y0, z0] = [centre[0] - size[0] / 2, centre[1] - size[1] / 2, centre[2] - size[2] / 2];
    const [x1, y1, z1] = [centre[0] + size[0] / 2, centre[1] + size[1] / 2, centre[2] + size[2] / 2];
    return this.quad(material, [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]) // +z
      .quad(material, [x1, y0, z0], [x0, y0, z0], [x0, y1, z0], [x1, y1, z0]) // -z
      .quad(material, [x1, y0, z1], [x1, y0, z0], [x1, y1, z0], [x1, y1, z1]) // +x
      .quad(material, [x0, y0, z0], [x0, y0, z1], [x0, y1, z1], [x0, y1, z0]) // -x
      .quad(material, [x0, y1, z1], [x1, y1, z1], [x1, y1, z0], [x0, y1, z0]) // +y
      .quad(material, [x0, y0, z0], [x1, y0, z0], [x1, y0, z1], [x0, y0, z1]); // -y
  }

  /**
   * An upright cylinder or cone frustum on the vertical axis through (x, z): radius `r0` at `y0`, `r1` at
   * `y1`; smooth sides, flat caps (a cap of radius 0 is left out).
   */
  cylinder(
    material: string,
    x: number,
    z: number,
    y0: number,
    y1: number,
    r0: number,
    r1 = r0,
    segments = 16,
  ): this {
    const part = this.part(material);
    const slope = (r0 - r1) / (y1 - y0);
    const base = part.positions.length / 3;
    for (let i = 0; i <= segments; i++) {
      const angle = (i / segments) * Math.PI * 2;
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      const n = unit([c, slope, s]);
      part.positions.push(x + c * r0, y0, z + s * r0, x + c * r1, y1, z + s * r1);
      part.normals.push(...n, ...n);
    }
    for (let i = 0; i < segments; i++) {
      const a = base + i * 2;
      part.indices.push(a, a + 1, a + 3, a, a + 3, a + 2);
    }
    this.paint(part, base);
    if (r1 > 0) this.disc(material, x, z, y1, r1, 1, segments);
    if (r0 > 0) this.disc(material, x, z, y0, r0, -1, segments);
    return this;
  }

  /** A flat disc facing up (`facing` 1) or down (-1). */
  disc(material: string, x: number, z: number, y: number, r: number, facing: 1 | -1, segments = 16): this {
    const part = this.part(material);
    const centre = part.positions.length / 3;
    part.positions.push(x, y, z);
    part.normals.push(0, facing, 0);
    for (let i = 0; i <= segments; i++) {
      const angle = (i / segments) * Math.PI * 2;
      part.positions.push(x + Math.cos(angle) * r, y, z + Math.sin(angle) * r);
      part.normals.push(0, facing, 0);
    }
    for (let i = 0; i < segments; i++) {
      const [a, b] = [centre + 1 + i, centre + 2 + i];
      part.indices.push(...(facing === 1 ? [centre, b, a] : [centre, a, b]));
    }
    this.paint(part, centre);
    return this;
  }

  /** A round wall between radii `inner` and `outer` from `y0` to `y1` (a basin's rim), with a flat top. */
  ring(
    material: string,
    x: number,
    z: number,
    y0: number,
    y1: number,
    inner: number,
    outer: number,
    segments = 32,
  ): this {
    for (let i = 0; i < segments; i++) {
      const [a0, a1] = [(i / segments) * Math.PI * 2, ((i + 1) / segments) * Math.PI * 2];
      const at = (r: number, a: number, y: number): Vec3 => [x + Math.cos(a) * r, y, z + Math.sin(a) * r];
      this.quad(material, at(outer, a1, y0), at(outer, a0, y0), at(outer, a0, y1), at(outer, a1, y1));
      this.quad(material, at(inner, a0, y0), at(inner, a1, y0), at(inner, a1, y1), at(inner, a0, y1));
      this.quad(material, at(inner, a0, y1), at(inner, a1, y1), at(outer, a1, y1), at(outer, a0, y1));
    }
    return this;
  }

  /** A faceted ball (an icosahedron split once: 80 flat faces), squashed by `scale` along each axis. */
  ball(material: string, centre: Vec3, radius: number, scale: Vec3 = [1, 1, 1]): this {
    const t = (1 + Math.sqrt(5)) / 2;
    // prettier-ignore
    const corners = ([
      [-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0],
      [0, -1, t], [0, 1, t], [0, -1, -t], [0, 1, -t],
      [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1],
    ] as Vec3[]).map(unit);
    // prettier-ignore
    const faces = [
      [0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11],
      [1, 5, 9], [5, 11, 4], [11, 10, 2], [10, 7, 6], [7, 1, 8],
      [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9],
      [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1],
    ] as const;
    const place = (v: Vec3): Vec3 => [
      centre[0] + v[0] * radius * scale[0],
      centre[1] + v[1] * radius * scale[1],
      centre[2] + v[2] * radius * scale[2],
    ];
    const mid = (a: Vec3, b: Vec3): Vec3 => unit([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2]);
    for (const [i, j, k] of faces) {
      const [a, b, c] = [corners[i]!, corners[j]!, corners[k]!];
      const [ab, bc, ca] = [mid(a, b), mid(b, c), mid(c, a)];
      for (const [p, q, r] of [
        [a, ab, ca],
        [ab, b, bc],
        [ca, bc, c],
        [ab, bc, ca],
      ] as const)
        this.triangle(material, place(p), place(q), place(r));
    }
    return this;
  }

  /** The model as a GLB: one mesh, one primitive per surface, under one node named `name`. */
  async glb(name: string): Promise<Uint8Array> {
    const document = new Document();
    const buffer = document.createBuffer();
    const mesh = document.createMesh(name);
    for (const [surface, part] of this.parts) {
      // Colours are in the vertices; a glowing look keeps its own surface, coloured by its vertices too.
      const look = this.looks[surface];
      const finish = look
        ? { roughness: look.roughness, metalness: look.metalness ?? 0 }
        : surface === 'shiny'
          ? SHINY
          : MATTE;
      const material = document
        .createMaterial(surface)
        .setBaseColorFactor([1, 1, 1, 1])
        .setRoughnessFactor(finish.roughness)
        .setMetallicFactor(finish.metalness);
      if (look?.emissive) material.setEmissiveFactor(linear(look.emissive));
      const vertices = part.positions.length / 3;
      const accessor = (
        type: 'VEC3' | 'SCALAR',
        array: Float32Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
      ) => document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
      mesh.addPrimitive(
        document
          .createPrimitive()
          .setAttribute('POSITION', accessor('VEC3', new Float32Array(part.positions)))
          .setAttribute('NORMAL', accessor('VEC3', new Float32Array(part.normals)))
          .setAttribute('COLOR_0', accessor('VEC3', new Float32Array(part.colors)))
          .setIndices(
            accessor(
              'SCALAR',
              vertices < 65_536 ? new Uint16Array(part.indices) : new Uint32Array(part.indices),
            ),
          )
          .setMaterial(material),
      );
    }
    document.createScene(name).addChild(document.createNode(name).setMesh(mesh));
    return new NodeIO().writeBinary(document);
  }
}
