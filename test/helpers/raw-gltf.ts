/**
 * Writes glTF by hand — JSON plus one binary buffer — so tests can make layouts an exporter library would
 * never write (sparse accessors without a buffer view, interleaving, several UV sets, unused objects …).
 */
const encoder = new TextEncoder();

type Json = Record<string, unknown>;
type TypedArray = Float32Array | Uint32Array | Uint16Array | Uint8Array | Int16Array | Int8Array;

const COMPONENT_TYPES = new Map<string, number>([
  ['Int8Array', 5120],
  ['Uint8Array', 5121],
  ['Int16Array', 5122],
  ['Uint16Array', 5123],
  ['Uint32Array', 5125],
  ['Float32Array', 5126],
]);
const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT4: 16 };
const ARRAY_BUFFER = 34962;

export interface AccessorOptions {
  normalized?: boolean;
  /** Writes min and max (required for POSITION). */
  bounds?: boolean;
  /** ARRAY_BUFFER (34962) or ELEMENT_ARRAY_BUFFER (34963). */
  target?: number;
}

export class RawGltf {
  readonly json: Json & {
    asset: Json;
    buffers: Json[];
    bufferViews: Json[];
    accessors: Json[];
    [key: string]: unknown;
  } = {
    asset: { version: '2.0', generator: 'metaverse-in-a-box tests' },
    buffers: [],
    bufferViews: [],
    accessors: [],
  };
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  /** Appends bytes (4-byte aligned) as a buffer view of buffer 0; returns its index. */
  view(bytes: Uint8Array, extra: Json = {}): number {
    const padding = (4 - (this.length % 4)) % 4;
    if (padding) this.push(new Uint8Array(padding));
    const byteOffset = this.length;
    this.push(bytes);
    this.json.bufferViews.push({ buffer: 0, byteOffset, byteLength: bytes.length, ...extra });
    return this.json.bufferViews.length - 1;
  }

  /**
   * `data` packed; vertex attributes (target ARRAY_BUFFER) whose elements are not a multiple of 4 bytes are
   * written with each element padded to 4 (a byteStride), as the specification requires.
   */
  accessor(data: TypedArray, type: keyof typeof COMPONENTS, options: AccessorOptions = {}): number {
    const width = COMPONENTS[type]!;
    const elementBytes = width * data.BYTES_PER_ELEMENT;
    const packed = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const extra: Json = options.target ? { target: options.target } : {};
    let bytes = packed;
    if (options.target === ARRAY_BUFFER && elementBytes % 4 !== 0) {
      const stride = Math.ceil(elementBytes / 4) * 4;
      const count = data.length / width;
      bytes = new Uint8Array(stride * count);
      for (let element = 0; element < count; element += 1) {
        bytes.set(packed.subarray(element * elementBytes, (element + 1) * elementBytes), element * stride);
      }
      extra.byteStride = stride;
    }
    const view = this.view(bytes, extra);
    return this.accessorOn(view, data, type, options);
  }

  /** An accessor over an existing view (interleaved data: pass byteOffset within the stride). */
  accessorOn(
    view: number,
    data: TypedArray,
    type: keyof typeof COMPONENTS,
    options: AccessorOptions & { byteOffset?: number; count?: number } = {},
  ): number {
    const width = COMPONENTS[type]!;
    const count = options.count ?? data.length / width;
    const accessor: Json = {
      bufferView: view,
      componentType: COMPONENT_TYPES.get(data.constructor.name),
      count,
      type,
      ...(options.byteOffset ? { byteOffset: options.byteOffset } : {}),
      ...(options.normalized ? { normalized: true } : {}),
    };
    if (options.bounds) Object.assign(accessor, boundsOf(data, width, count));
    this.json.accessors.push(accessor);
    return this.json.accessors.length - 1;
  }

  /** Pushes `value` onto the top-level array `key` and returns its index. */
  add(key: string, value: Json): number {
    const list = (this.json[key] ??= []) as Json[];
    list.push(value);
    return list.length - 1;
  }

  /** Marks an extension as used (and required, when asked). */
  uses(name: string, required = false): this {
    const used = (this.json.extensionsUsed ??= []) as string[];
    if (!used.includes(name)) used.push(name);
    if (required) {
      const needed = (this.json.extensionsRequired ??= []) as string[];
      if (!needed.includes(name)) needed.push(name);
    }
    return this;
  }

  /** The buffer's bytes (padded to 4). */
  bin(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.length / 4) * 4);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** A GLB: the JSON chunk and the buffer as its BIN chunk. */
  glb(): Uint8Array {
    const bin = this.bin();
    const json = this.jsonWith(bin.length > 0 ? { byteLength: bin.length } : undefined);
    const jsonBytes = pad(encoder.encode(JSON.stringify(json)), 0x20);
    const total = 12 + 8 + jsonBytes.length + (bin.length > 0 ? 8 + bin.length : 0);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint32(0, 0x46546c67, true);
    view.setUint32(4, 2, true);
    view.setUint32(8, total, true);
    view.setUint32(12, jsonBytes.length, true);
    view.setUint32(16, 0x4e4f534a, true);
    out.set(jsonBytes, 20);
    if (bin.length > 0) {
      const at = 20 + jsonBytes.length;
      view.setUint32(at, bin.length, true);
      view.setUint32(at + 4, 0x004e4942, true);
      out.set(bin, at + 8);
    }
    return out;
  }

  /** A .gltf whose buffer is the file `binName` beside it. */
  gltf(binName: string): { gltf: Uint8Array; bin: Uint8Array } {
    const bin = this.bin();
    return {
      gltf: encoder.encode(JSON.stringify(this.jsonWith({ byteLength: bin.length, uri: binName }))),
      bin,
    };
  }

  private jsonWith(buffer: Json | undefined): Json {
    const json: Json = { ...this.json, buffers: buffer ? [buffer] : [] };
    for (const key of ['buffers', 'bufferViews', 'accessors']) {
      if ((json[key] as unknown[]).length === 0) delete json[key];
    }
    return json;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
}

function boundsOf(data: TypedArray, width: number, count: number): { min: number[]; max: number[] } {
  const min = Array.from({ length: width }, () => Infinity);
  const max = Array.from({ length: width }, () => -Infinity);
  for (let index = 0; index < count * width; index += 1) {
    const value = data[index]!;
    const component = index % width;
    min[component] = Math.min(min[component]!, value);
    max[component] = Math.max(max[component]!, value);
  }
  return { min, max };
}

function pad(bytes: Uint8Array, fill: number): Uint8Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4).fill(fill);
  padded.set(bytes);
  return padded;
}
