/**
 * The corpus (test/helpers/gltf-corpus.ts): every unusual but valid case passes the Khronos validator (so
 * the corpus stays honest) and comes through the pipeline as an asset; every invalid one is refused with
 * the validator's words and a JSON pointer — never with a raw JavaScript error.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import validator from 'gltf-validator';
import {
  AssetPipelineFault,
  MAX_VALIDATOR_ISSUES,
  processAsset,
  type AssetProblem,
} from '../../asset-pipeline/index.js';
import { rejectionOf } from '../helpers/asset-rejections.js';
import { validCorpus, type CorpusCase } from '../helpers/gltf-corpus.js';
import { errorPastManyWarnings, invalidCorpus } from '../helpers/gltf-invalid-corpus.js';

/** What a JavaScript error's own text looks like: none of it may reach a user. */
const RAW_ERROR =
  /Cannot read properties|is not a function|is not defined|undefined|null|Unexpected type|Assertion failed|TypeError|RangeError/;

let valid: CorpusCase[];

async function validatorErrors(glb: Uint8Array): Promise<unknown[]> {
  const report = await validator.validateBytes(glb, { format: 'glb', writeTimestamp: false });
  return report.issues.messages.filter((message) => message.severity === 0);
}

beforeAll(async () => {
  valid = await validCorpus();
});

describe('unusual but valid glTF', () => {
  it('is valid for the Khronos validator, case by case', async () => {
    for (const { name, glb } of valid) {
      expect({ name, errors: await validatorErrors(glb) }).toEqual({ name, errors: [] });
    }
  });

  it('comes through the pipeline as an asset (with levels of detail), case by case', async () => {
    const outcomes: Record<string, string> = {};
    for (const { name, glb } of valid) {
      outcomes[name] = await processAsset(glb, { profile: 'scene' }).then(
        (asset) => `asset of ${asset.glb.length} bytes`,
        (error: unknown) =>
          error instanceof AssetPipelineFault
            ? `fault: ${error.detail.split('\n').slice(0, 3).join(' | ')}`
            : `refused: ${(error as Error).message}`,
      );
    }
    for (const [name, outcome] of Object.entries(outcomes))
      expect(`${name}: ${outcome}`).toMatch(/: asset of \d+ bytes$/);
  }, 120_000);
});

describe('invalid glTF', () => {
  it.each(invalidCorpus().map((entry) => [entry.name, entry] as const))(
    '%s: refused with the reason and where',
    async (_name, { glb, pointer, validatorWarnsOnly }) => {
      expect((await validatorErrors(glb)).length > 0).toBe(!validatorWarnsOnly);
      const problems: AssetProblem[] = await rejectionOf(glb, { profile: 'scene' });
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) {
        expect(problem.code).not.toBe('PIPELINE_FAULT');
        expect(problem.message).not.toMatch(RAW_ERROR);
      }
      expect(problems.map((problem) => problem.pointer ?? '')).toEqual(
        expect.arrayContaining([expect.stringMatching(pointer)]),
      );
    },
  );
});

describe('the validator’s issue limit', () => {
  it('refuses, naming the limit, a model whose issues run past it (an error there would go unseen)', async () => {
    const problems = await rejectionOf(errorPastManyWarnings(MAX_VALIDATOR_ISSUES + 10), {
      profile: 'scene',
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'TOO_MANY_ISSUES',
        limit: 'validatorIssues',
        allowed: MAX_VALIDATOR_ISSUES,
        pointer: '/meshes/0/primitives/0',
      }),
    ]);
    // Under the limit, the error is seen and named.
    const seen = await rejectionOf(errorPastManyWarnings(10), { profile: 'scene' });
    expect(seen.map((problem) => problem.pointer)).toContain('/meshes/0/primitives/10/attributes/POSITION');
  }, 60_000);
});
