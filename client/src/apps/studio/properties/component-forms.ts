/**
 * What the properties panel is generated from: each component type's JSON Schema, made from the protocol's
 * zod schema (`z.toJSONSchema`, input form, so defaulted fields are optional), plus the panel's words for
 * them. A field added to a component's schema appears in the panel with no change here; references carry
 * `x-reference` and colours `x-widget` (scene-components.ts), which pick the field's control.
 */
import { z } from 'zod';
import {
  COMPONENT_TYPES,
  componentSchemas,
  type SceneComponentType,
  type SceneDocument,
} from '../../../../../protocol/index.js';

export type ReferenceKind = 'asset' | 'environment' | 'world' | 'spawn' | 'binding';

/** The part of JSON Schema (2020-12) that zod writes for the component schemas. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: (string | number)[];
  const?: string | number | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  prefixItems?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
  description?: string;
  'x-reference'?: ReferenceKind;
  'x-widget'?: 'colour';
}

export const COMPONENT_FORMS = Object.fromEntries(
  COMPONENT_TYPES.map((type) => [
    type,
    z.toJSONSchema(componentSchemas[type], { io: 'input' }) as JsonSchema,
  ]),
) as Record<SceneComponentType, JsonSchema>;

export const COMPONENT_TITLES: Record<SceneComponentType, string> = {
  model: 'Model',
  light: 'Light',
  environment: 'Environment (sky, fog and lighting)',
  ground: 'Ground',
  'spawn-point': 'Spawn point',
  collider: 'Collider',
  portal: 'Portal',
  screen: 'Screen',
  'nft-frame': 'NFT frame',
  'voice-zone': 'Voice zone',
  text: 'Text',
  interactable: 'Interactable',
};

/** Keys whose words alone read badly (acronyms): their labels, as a creator reads them. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  hdri: 'HDR environment',
  hdriSky: 'HDR environment as sky',
  chainId: 'Chain ID',
  tokenId: 'Token ID',
};

/** "halfExtents" → "Half extents"; "hdri" → "HDR environment" (FIELD_LABELS). */
export function fieldLabel(key: string): string {
  const known = FIELD_LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The union's options, if the schema is one (oneOf for discriminated unions, anyOf otherwise). */
export function unionOptions(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.oneOf ?? schema.anyOf;
}

/** The `kind` of each option, when the union is discriminated by a `kind` constant. */
export function discriminatorValues(options: JsonSchema[]): string[] | undefined {
  const kinds = options.map((option) => option.properties?.['kind']?.const);
  return kinds.every((kind) => typeof kind === 'string') ? kinds : undefined;
}

/** A starting value for a field being added: its default, else the smallest valid-looking value. */
export function blankValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  const options = unionOptions(schema);
  if (options) return blankValue(options[0]!);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((key) => [key, blankValue(schema.properties?.[key] ?? {})]),
      );
    case 'array':
      return (schema.prefixItems ?? []).map(() => 1);
    case 'number':
    case 'integer':
      return schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? 0);
    case 'boolean':
      return false;
    case 'string':
      return schema['x-widget'] === 'colour' ? '#ffffff' : '';
    case undefined:
      return null;
  }
}

/** What a new component of this type starts as on an entity: valid at once, wherever the schema allows. */
export function starterComponent(
  type: SceneComponentType,
  scene: SceneDocument,
  firstAsset: string | undefined,
): Record<string, unknown> | string {
  const spawnNames = Object.values(scene.entities).flatMap((e) => e.components['spawn-point']?.name ?? []);
  switch (type) {
    case 'model':
      return firstAsset
        ? { asset: firstAsset }
        : 'a model needs an uploaded asset: upload one in the asset panel first';
    case 'light':
      return { kind: 'point', color: '#ffffff', intensity: 50, range: 10 };
    case 'environment':
      return { sky: '#9cc7e6' };
    case 'ground':
      return { pattern: 'paving', color: '#b8b0a2' };
    case 'spawn-point': {
      let n = spawnNames.length + 1;
      while (spawnNames.includes(`spawn-${n}`)) n += 1;
      return { name: `spawn-${n}`, default: spawnNames.length === 0 };
    }
    case 'collider':
      return { shape: { kind: 'box', halfExtents: [0.5, 0.5, 0.5] } };
    case 'portal':
      return spawnNames[0]
        ? { spawn: spawnNames[0], radius: 1.5 }
        : 'a portal in this world leads to one of its spawn points: add a spawn point first';
    case 'screen':
      return { source: { kind: 'screen-share' }, size: [3.2, 1.8] };
    case 'nft-frame':
      return { open: false, size: [1, 1] };
    case 'voice-zone':
      return { mode: 'private', halfExtents: [3, 2, 3] };
    case 'text':
      return { text: 'Text', color: '#ffffff', size: 0.3 };
    case 'interactable':
      return { action: 'trigger', reach: 2 };
  }
}

/** One zod issue in the creator's words (the schemas' own messages already name the fix). */
function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `needs at least ${String(issue.minimum)} character${issue.minimum === 1 ? '' : 's'}`
        : `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    case 'invalid_type':
      return `must be a ${issue.expected}`;
    case 'custom':
    case 'invalid_element':
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_union':
    case 'invalid_value':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return issue.message;
  }
}

/** A zod error's messages by dotted path inside the component ("" = the component itself). */
export function messagesByPath(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    out[key] ??= issueText(issue);
  }
  return out;
}
