/**
 * What a scene must be before it is stored: a valid schema 2 document (a schema 1 document is converted
 * first), whose references point at things that exist — uploaded assets, worlds, this world's NFT bindings.
 * Failures are 400 validation-failed problems naming each path and the fix; nothing is stored.
 */
import type { Kysely } from 'kysely';
import {
  sceneDocumentSchema,
  isSceneV1,
  convertSceneV1,
  sceneReferences,
  type SceneDocument,
} from '../../../protocol/index.js';
import type { Database } from '../../db/tables.js';
import { Problem, type FieldError } from '../api/problem.js';

/**
 * Parses a submitted scene. `where` prefixes the paths of failures ("body", or "body(patched)" for the result
 * of a patch). Returns the parsed scene, the document to store (a schema 2 submission as it came, defaults not
 * filled in; a converted one as converted) and what a conversion changed (empty for schema 2 input).
 */
export function parseSubmittedScene(
  document: unknown,
  where: string,
): { scene: SceneDocument; stored: unknown; changes: string[] } {
  if (isSceneV1(document)) {
    const converted = convertSceneV1(document);
    if (!converted.ok)
      throw Problem.fields([
        {
          path: `${where}${converted.path.replaceAll('/', '.')}`,
          message: `this schema 1 scene cannot be converted to schema 2${converted.entity !== undefined ? ` (entity "${converted.entity}")` : ''}: ${converted.reason}`,
        },
      ]);
    return { scene: converted.scene, stored: converted.scene, changes: converted.changes };
  }
  // zod drops a "__proto__" key silently; the stored text would keep it.
  const entities = (document as { entities?: unknown } | null)?.entities;
  if (typeof entities === 'object' && entities !== null && Object.hasOwn(entities, '__proto__'))
    throw Problem.fields([
      { path: `${where}.entities.__proto__`, message: 'an entity id cannot be "__proto__"; choose another' },
    ]);
  const result = sceneDocumentSchema.safeParse(document);
  if (!result.success) {
    const problem = Problem.validation('body', result.error);
    if (where !== 'body')
      problem.extensions.note = 'the patched draft is not a valid scene; nothing was saved';
    throw problem;
  }
  return { scene: result.data, stored: document, changes: [] };
}

/**
 * Refuses a scene referring to assets not in the store, worlds that do not exist or bindings not of this
 * world. `checkWorlds: false` (imports) lets a portal name a world that is imported after this one.
 */
export async function requireKnownReferences(
  db: Kysely<Database>,
  worldId: string,
  scene: SceneDocument,
  where = 'body',
  { checkWorlds = true } = {},
): Promise<void> {
  const refs = sceneReferences(scene).filter((ref) => checkWorlds || ref.kind !== 'world');
  const hashes = [...new Set(refs.flatMap((ref) => (ref.kind === 'asset' ? [ref.hash] : [])))];
  const slugs = [...new Set(refs.flatMap((ref) => (ref.kind === 'world' ? [ref.slug] : [])))];
  const bindings = [...new Set(refs.flatMap((ref) => (ref.kind === 'binding' ? [ref.id] : [])))];
  const [knownAssets, knownWorlds, knownBindings] = await Promise.all([
    hashes.length === 0
      ? []
      : db
          .selectFrom('asset_files')
          .leftJoin('assets', 'assets.hash', 'asset_files.hash')
          .select(['asset_files.hash as hash', 'assets.profile as profile'])
          .where('asset_files.hash', 'in', hashes)
          .execute(),
    slugs.length === 0 ? [] : db.selectFrom('worlds').select('slug').where('slug', 'in', slugs).execute(),
    bindings.length === 0
      ? []
      : db
          .selectFrom('nft_bindings')
          .select((eb) => eb.cast<string>('id', 'text').as('id'))
          .where('world_id', '=', worldId)
          .where((eb) => eb.cast('id', 'text'), 'in', bindings)
          .execute(),
  ]);
  // A file of the store (an asset, a level of detail, a thumbnail) with its asset's profile, if it is one.
  const assets = new Map(knownAssets.map((row) => [row.hash, row.profile]));
  const worlds = new Set(knownWorlds.map((row) => row.slug));
  const bound = new Set(knownBindings.map((row) => row.id));
  const errors: FieldError[] = [];
  for (const ref of refs) {
    const path = `${where}${ref.path.replaceAll('/', '.')}`;
    if (ref.kind === 'asset' && !assets.has(ref.hash))
      errors.push({
        path,
        message: ref.environment
          ? `environment ${ref.hash} is not in the asset store; upload an .exr or .hdr first (POST /assets?profile=environment)`
          : `asset ${ref.hash} is not in the asset store; upload it first (POST /assets)`,
      });
    else if (ref.kind === 'asset' && ref.environment && assets.get(ref.hash) !== 'environment')
      errors.push({
        path,
        message: `asset ${ref.hash} is not an HDR environment (it was uploaded as ${assets.get(ref.hash) ?? 'a file of another asset'}); name one uploaded with profile=environment, or a built-in environment`,
      });
    else if (ref.kind === 'asset' && !ref.environment && assets.get(ref.hash) === 'environment')
      errors.push({
        path,
        message: `asset ${ref.hash} is an HDR environment, not a model; use it as the environment's hdri, and name a model here`,
      });
    else if (ref.kind === 'world' && !worlds.has(ref.slug))
      errors.push({ path, message: `there is no world "${ref.slug}"; name an existing world's slug` });
    else if (ref.kind === 'binding' && !bound.has(ref.id))
      errors.push({
        path,
        message: `binding "${ref.id}" is not a binding of this world; bind a token first (POST /nft/bindings) or remove "binding"`,
      });
  }
  if (errors.length > 0) throw Problem.fields(errors);
}
