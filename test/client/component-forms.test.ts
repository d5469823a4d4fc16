/**
 * The properties panel's generated forms: every component type has one, references and colours are marked
 * for their pickers, each starter value is valid as added, and a refused value's reason lands on its field.
 */
import { describe, expect, it } from '@jest/globals';
import { COMPONENT_TYPES, componentSchemas, templateScene } from '../../protocol/index.js';
import {
  COMPONENT_FORMS,
  blankValue,
  messagesByPath,
  starterComponent,
  type JsonSchema,
} from '../../client/src/apps/studio/properties/component-forms.js';

/** Every `x-reference` and `x-widget` in a schema, by dotted path. */
function marks(schema: JsonSchema, path = ''): string[] {
  const here = [
    schema['x-reference'] && `${path}:${schema['x-reference']}`,
    schema['x-widget'] && `${path}:${schema['x-widget']}`,
  ];
  const inner = [
    ...Object.entries(schema.properties ?? {}).flatMap(([key, value]) =>
      marks(value, path ? `${path}.${key}` : key),
    ),
    ...(schema.oneOf ?? schema.anyOf ?? []).flatMap((option) => marks(option, path)),
  ];
  return [...here.filter((m): m is string => typeof m === 'string'), ...inner];
}

describe('component forms', () => {
  it('has an object form for every component type, marking references and colours', () => {
    for (const type of COMPONENT_TYPES) expect(COMPONENT_FORMS[type].type).toBe('object');
    expect(marks(COMPONENT_FORMS.model)).toEqual(['asset:asset']);
    expect(marks(COMPONENT_FORMS.portal)).toEqual(['world:world', 'spawn:spawn']);
    expect(marks(COMPONENT_FORMS['nft-frame'])).toEqual(['binding:binding']);
    expect(marks(COMPONENT_FORMS.collider)).toEqual(['shape.asset:asset']);
    expect(marks(COMPONENT_FORMS.environment).sort()).toEqual([
      'fog.color:colour',
      'hdri:environment',
      'sky:asset',
      'sky:colour',
    ]);
    expect(marks(COMPONENT_FORMS['spawn-point'])).toEqual([]); // a spawn point's own name is no reference
  });

  it('starts every component valid, or says what it needs first', () => {
    const scene = templateScene('gallery');
    const asset = 'a'.repeat(64);
    for (const type of COMPONENT_TYPES) {
      const starter = starterComponent(type, scene, asset);
      expect(typeof starter).toBe('object');
      expect(componentSchemas[type].safeParse(starter).success).toBe(true);
    }
    const bare = templateScene('blank');
    delete bare.entities['spawn'];
    expect(starterComponent('model', bare, undefined)).toMatch(/upload one in the asset panel/);
    expect(starterComponent('portal', bare, asset)).toMatch(/add a spawn point first/);
    // A second spawn point is not another default, and gets a free name.
    expect(starterComponent('spawn-point', scene, asset)).toEqual({ name: 'spawn-3', default: false });
  });

  it('gives a blank value for each union kind, and the refusal reasons by field', () => {
    const shape = COMPONENT_FORMS.collider.properties!['shape']!;
    expect((shape.oneOf ?? []).map(blankValue)).toEqual([
      { kind: 'box', halfExtents: [1, 1, 1] },
      { kind: 'sphere', radius: 1 },
      { kind: 'capsule', radius: 1, height: 1 },
      { kind: 'mesh', asset: '' },
    ]);
    const refused = componentSchemas.light.safeParse({ kind: 'spot', intensity: 200_000, angle: 0 });
    expect(refused.success).toBe(false);
    if (refused.success) return;
    expect(messagesByPath(refused.error)).toEqual({
      intensity: 'must be at most 100000',
      angle: 'must be more than 0',
    });
  });
});
