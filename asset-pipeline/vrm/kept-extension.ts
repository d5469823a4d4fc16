/**
 * Carries a glTF extension that glTF-Transform does not know through the pipeline unchanged in meaning:
 * its JSON is kept as a template in which every reference to a node, material, texture or image is a
 * graph edge to that object. The optimization passes see the edges — pruning keeps what the extension
 * names, deduplication and texture compression swap what it points at — and on writing each edge becomes
 * the object's new index. Without this, glTF-Transform drops unknown extensions (a VRM would lose its
 * humanoid, its MToon materials and its spring bones).
 *
 * A spec says where the extension sits (the root, a material or a node) and which keys of its JSON are
 * references (refAt). A reference whose object was removed (nothing else used it) removes the array
 * element that holds it, or the key.
 */
import {
  Extension,
  ExtensionProperty,
  PropertyType,
  RefMap,
  TextureChannel,
  TextureInfo,
  type IProperty,
  type Material,
  type Node,
  type Property,
  type ReaderContext,
  type Texture,
  type WriterContext,
} from '@gltf-transform/core';

export type RefKind = 'node' | 'material' | 'texture' | 'image';

export interface KeptExtensionSpec {
  name: string;
  on: 'root' | 'material' | 'node';
  /**
   * The kind of object the number at `key` names, `path` being the keys above it (array positions as
   * strings); for 'texture' the number is a texture info's `index`. Undefined: not a reference.
   */
  refAt(path: readonly string[], key: string): RefKind | undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ALL_CHANNELS = TextureChannel.R | TextureChannel.G | TextureChannel.B | TextureChannel.A;

/** A reference in the template: the key of its edge in the property's refs map. */
const REF = '$keptRef';

interface IKept extends IProperty {
  template: string;
  refs: RefMap<Property>;
}

/** The kept JSON of one extension on one parent. */
export abstract class KeptJson extends ExtensionProperty<IKept> {
  protected override getDefaults() {
    return Object.assign(super.getDefaults(), { template: 'null', refs: new RefMap<Property>() });
  }

  /** The JSON as read, references shown as { $keptRef: key }. */
  get template(): Json {
    return JSON.parse(this.get('template')) as Json;
  }

  keep(template: Json, refs: ReadonlyMap<string, Property>): void {
    this.set('template', JSON.stringify(template));
    // A texture's edge says which channels are read (all: the extension's use of it is not known).
    for (const [key, value] of refs)
      this.setRefMap(
        'refs',
        key,
        value,
        /^(texture|image)/.test(key) ? { channels: ALL_CHANNELS } : undefined,
      );
  }

  refOf(key: string): Property | null {
    return this.getRefMap('refs', key);
  }
}

type PropertyOf = (kind: RefKind, index: number) => Property | undefined;

/** Replaces references by placeholders, collecting the objects they name. */
function toTemplate(
  spec: KeptExtensionSpec,
  json: Json,
  propertyOf: PropertyOf,
  refs: Map<string, Property>,
  path: string[] = [],
): Json {
  if (Array.isArray(json))
    return json.map((item, index) => toTemplate(spec, item, propertyOf, refs, [...path, `${index}`]));
  if (json === null || typeof json !== 'object') return json;
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(json)) {
    const kind = spec.refAt(path, key);
    const target = kind && typeof value === 'number' ? propertyOf(kind, value) : undefined;
    if (target) {
      const refKey = `${kind}${refs.size}`;
      refs.set(refKey, target);
      result[key] = { [REF]: refKey };
    } else result[key] = toTemplate(spec, value, propertyOf, refs, [...path, key]);
  }
  return result;
}

/** Marks an array element or key whose reference is gone. */
const GONE = Symbol('gone');

/** The index a reference is written as (undefined: its object is gone); texCoord is its texture info's. */
type IndexOf = (refKey: string, property: Property, texCoord: number) => number | undefined;

function fromTemplate(template: Json, indexOf: IndexOf, kept: KeptJson): Json | typeof GONE {
  if (Array.isArray(template)) {
    const items = template.map((item) => fromTemplate(item, indexOf, kept));
    return items.filter((item): item is Json => item !== GONE);
  }
  if (template === null || typeof template !== 'object') return template;
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof value[REF] === 'string'
    ) {
      const refKey = value[REF];
      const target = kept.refOf(refKey);
      const texCoord = typeof template.texCoord === 'number' ? template.texCoord : 0;
      const index = target ? indexOf(refKey, target, texCoord) : undefined;
      if (index === undefined) return GONE;
      result[key] = index;
      continue;
    }
    const written = fromTemplate(value, indexOf, kept);
    if (written !== GONE) result[key] = written;
  }
  return result;
}

/** An Extension class (for NodeIO.registerExtensions) that keeps `spec`'s extension. */
export function keptExtension(spec: KeptExtensionSpec): typeof Extension {
  const parentType = { root: PropertyType.ROOT, material: PropertyType.MATERIAL, node: PropertyType.NODE }[
    spec.on
  ];

  class Kept extends KeptJson {
    static override EXTENSION_NAME = spec.name;
    declare extensionName: string;
    declare propertyType: string;
    declare parentTypes: string[];
    protected override init(): void {
      this.extensionName = spec.name;
      this.propertyType = `Kept:${spec.name}`;
      this.parentTypes = [parentType];
    }
  }

  class KeptExtensionIO extends Extension {
    static override EXTENSION_NAME = spec.name;
    override readonly extensionName = spec.name;
    // Material references to textures must be resolved with the materials, before meshes are read/written.
    override readonly prereadTypes = spec.on === 'material' ? [PropertyType.MESH] : [];
    override readonly prewriteTypes = spec.on === 'material' ? [PropertyType.MESH] : [];

    override preread(context: ReaderContext): this {
      if (spec.on === 'material') this.readAll(context);
      return this;
    }

    override read(context: ReaderContext): this {
      if (spec.on !== 'material') this.readAll(context);
      return this;
    }

    override prewrite(context: WriterContext): this {
      if (spec.on === 'material') this.writeAll(context);
      return this;
    }

    override write(context: WriterContext): this {
      if (spec.on !== 'material') this.writeAll(context);
      return this;
    }

    private readAll(context: ReaderContext): void {
      const { json } = context.jsonDoc;
      const textureDefs = json.textures ?? [];
      const propertyOf: PropertyOf = (kind, index) => {
        if (kind === 'node') return context.nodes[index];
        if (kind === 'material') return context.materials[index];
        if (kind === 'image') return context.textures[index];
        const source = textureDefs[index]?.source;
        return source === undefined ? undefined : context.textures[source];
      };
      const attach = (defs: { extensions?: Record<string, unknown> }[] | undefined, owners: Property[]) =>
        (defs ?? []).forEach((def, index) => {
          const raw = def.extensions?.[spec.name];
          const owner = owners[index] as Material | Node | undefined;
          if (raw === undefined || !owner) return;
          owner.setExtension(spec.name, this.kept(raw as Json, propertyOf));
        });
      if (spec.on === 'root') {
        const raw = json.extensions?.[spec.name];
        if (raw !== undefined)
          this.document.getRoot().setExtension(spec.name, this.kept(raw as Json, propertyOf));
      } else if (spec.on === 'material') attach(json.materials, context.materials);
      else attach(json.nodes, context.nodes);
    }

    private kept(raw: Json, propertyOf: PropertyOf): Kept {
      const refs = new Map<string, Property>();
      const template = toTemplate(spec, raw, propertyOf, refs);
      const property = new Kept(this.document.getGraph());
      property.keep(template, refs);
      return property;
    }

    private writeAll(context: WriterContext): void {
      const { json } = context.jsonDoc;
      const info = new TextureInfo(this.document.getGraph());
      const indexOf: IndexOf = (refKey, property, texCoord) => {
        if (refKey.startsWith('node')) return context.nodeIndexMap.get(property as Node);
        if (refKey.startsWith('material')) return context.materialIndexMap.get(property as Material);
        // An image reference (VRM's thumbnail) is the image's index; a texture info's is a texture's.
        if (refKey.startsWith('image')) return context.imageIndexMap.get(property as Texture);
        info.setTexCoord(texCoord);
        return context.createTextureInfoDef(property as Texture, info).index;
      };
      const write = (kept: Kept): Json => {
        const result = fromTemplate(kept.template, indexOf, kept);
        return result === GONE ? null : result;
      };
      try {
        if (spec.on === 'root') {
          const kept = this.document.getRoot().getExtension<Kept>(spec.name);
          if (!kept) return;
          json.extensions ??= {};
          json.extensions[spec.name] = write(kept);
          return;
        }
        const root = this.document.getRoot();
        const owners: (Material | Node)[] = spec.on === 'material' ? root.listMaterials() : root.listNodes();
        const defs = (spec.on === 'material' ? json.materials : json.nodes) ?? [];
        for (const owner of owners) {
          const kept = owner.getExtension<Kept>(spec.name);
          const index =
            spec.on === 'material'
              ? context.materialIndexMap.get(owner as Material)
              : context.nodeIndexMap.get(owner as Node);
          const def = index === undefined ? undefined : defs[index];
          if (!kept || !def) continue;
          def.extensions ??= {};
          def.extensions[spec.name] = write(kept);
        }
      } finally {
        info.dispose();
      }
    }
  }
  return KeptExtensionIO;
}
