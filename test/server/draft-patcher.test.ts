/**
 * The incremental draft patcher gives exactly what patching, parsing and canonicalising the whole document
 * gives — the same bytes when valid, a refusal when not — over many patches of every kind, and a patch
 * never changes the draft it was applied to (the cached one).
 */
import { describe, expect, it } from '@jest/globals';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { sceneDocumentSchema, templateScene } from '../../protocol/index.js';
import { canonicalJson } from '../../server/db/canonical-json.js';
import { random } from '../../bench/assets/sample-models.js';
import { Problem } from '../../server/control-plane/api/problem.js';
import {
  applyDraftPatch,
  parseStoredDraft,
  type ParsedDraft,
} from '../../server/control-plane/scenes/draft-patcher.js';

/** One patch of some kind, against the entities there are (some invalid on purpose). */
function somePatch(next: () => number, ids: string[], n: number): Operation[] {
  const pick = () => ids[Math.floor(next() * ids.length)]!;
  const id = pick();
  switch (Math.floor(next() * 9)) {
    case 0:
      return [
        { op: 'replace', path: `/entities/${id}/transform/position`, value: [next() * 10, 0, next() * 10] },
      ];
    case 1:
      return [{ op: 'add', path: `/entities/${id}/name`, value: `Name ${n} é ✓` }];
    case 2:
      return [
        {
          op: 'add',
          path: `/entities/new-${n}`,
          value: {
            order: `b${n}`,
            transform: { position: [n, 0, 0] },
            components: { light: { kind: 'point', intensity: n } },
          },
        },
      ];
    case 3:
      return [{ op: 'remove', path: `/entities/${id}` }]; // refused when others hang under it or portals need it
    case 4:
      return [{ op: 'add', path: `/entities/${id}/parent`, value: pick() }]; // may make a cycle: refused
    case 5:
      return [
        {
          op: 'add',
          path: `/entities/${id}/components/text`,
          value: { text: 'hello', size: next() > 0.8 ? -1 : 0.4 },
        },
      ];
    case 6:
      return [
        {
          op: 'add',
          path: `/entities/${id}/components/spawn-point`,
          value: { name: `s${n}`, default: next() > 0.7 },
        },
      ];
    case 7:
      return [{ op: 'copy', from: `/entities/${id}`, path: `/entities/copy-${n}` }];
    default:
      return [{ op: 'replace', path: '/entities', value: {} }]; // the whole map: the whole-document path
  }
}

function whole(draft: ParsedDraft, operations: Operation[]): string | null {
  const document = fastJsonPatch.deepClone({ schema: 2, entities: draft.written }) as unknown;
  try {
    fastJsonPatch.applyPatch(document, operations, true, true, true);
  } catch {
    return null;
  }
  return sceneDocumentSchema.safeParse(document).success ? canonicalJson(document) : null;
}

describe('incremental draft patches', () => {
  it('match the whole-document result byte for byte over 600 patches, and never change the cached draft', () => {
    const next = random(20261204);
    const start = canonicalJson(templateScene('gallery'));
    let draft = parseStoredDraft(start, 'e0');
    let applied = 0;
    let refused = 0;
    for (let n = 0; n < 600; n += 1) {
      const operations = somePatch(next, Object.keys(draft.written), n);
      const before = JSON.stringify(draft.written);
      const expected = whole(draft, operations);
      let body: string | null = null;
      try {
        const result = applyDraftPatch(draft, operations);
        body = result.body;
        // The next draft is what a fresh parse of the stored body gives.
        expect(result.draft.parsed).toEqual(parseStoredDraft(body, 'x').parsed);
        draft = { etag: `e${n}`, ...result.draft };
        applied += 1;
      } catch (error) {
        expect(error).toBeInstanceOf(Problem);
        refused += 1;
      }
      expect(body).toBe(expected);
      if (body === null) expect(JSON.stringify(draft.written)).toBe(before);
    }
    expect(applied).toBeGreaterThan(150); // both kinds of outcome were exercised
    expect(refused).toBeGreaterThan(50);
  });

  it('refuses a one-entity patch that breaks a scene-wide rule, and keeps the rest', () => {
    const draft = parseStoredDraft(canonicalJson(templateScene('gallery')), 'e');
    const refused = (operations: Operation[]) => {
      try {
        applyDraftPatch(draft, operations);
        return false;
      } catch (error) {
        return error instanceof Problem && error.getStatus() === 400;
      }
    };
    const spawn = '/entities/stage-front/components/spawn-point';
    expect(refused([{ op: 'add', path: `${spawn}/default`, value: true }])).toBe(true); // two defaults
    expect(refused([{ op: 'replace', path: `${spawn}/name`, value: 'elsewhere' }])).toBe(true); // portal's
    expect(refused([{ op: 'remove', path: '/entities/stage-front' }])).toBe(true); // the portal's spawn
    expect(refused([{ op: 'add', path: '/entities/stage-portal/components/portal/spawn', value: 'x' }])).toBe(
      true,
    );
    expect(refused([{ op: 'add', path: '/entities/stage-spot/parent', value: 'stage-spot' }])).toBe(true);
    expect(refused([{ op: 'add', path: '/entities/stage-spot/parent', value: 'nobody' }])).toBe(true);
    // Moving, renaming or restyling one entity keeps the rules: accepted.
    expect(
      refused([{ op: 'replace', path: '/entities/stage-sign/transform/position', value: [1, 2, 3] }]),
    ).toBe(false);
    expect(refused([{ op: 'replace', path: `${spawn}/name`, value: 'stage-front' }])).toBe(false);
  });

  it('answers an invalid patch as a whole-document parse does: 400, the path under body, a note', () => {
    const draft = parseStoredDraft(canonicalJson(templateScene('plaza')), 'e');
    const tried = (operations: Operation[]) => {
      try {
        applyDraftPatch(draft, operations);
      } catch (error) {
        return error as Problem;
      }
      throw new Error('the patch was accepted');
    };
    const refused = tried([{ op: 'replace', path: '/entities/sun/components/light/intensity', value: -1 }]);
    expect(refused.getStatus()).toBe(400);
    expect(refused.extensions).toMatchObject({
      errors: [
        { path: 'body.entities.sun.components.light.intensity', message: expect.stringMatching(/>=0/) },
      ],
      note: 'the patched draft is not a valid scene; nothing was saved',
    });
    const extra = tried([{ op: 'add', path: '/entities/sun/colour', value: 'red' }]);
    expect(extra.extensions).toMatchObject({ errors: [{ path: 'body.entities.sun.colour' }] });
    const cycle = tried([
      { op: 'add', path: '/entities/sun/parent', value: 'fill' },
      { op: 'add', path: '/entities/fill/parent', value: 'sun' },
    ]);
    expect(cycle.message).toMatch(/each other's parents/);
    expect(tried([{ op: 'test', path: '/entities/sun/name', value: 'Moon' }]).getStatus()).toBe(409);
    expect(tried([{ op: 'remove', path: '/entities/nobody' }]).getStatus()).toBe(422);
  });
});
