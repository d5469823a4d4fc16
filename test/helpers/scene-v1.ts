/**
 * Tests written against schema 1 scenes (entities in an array) read them through the converter, as the
 * server does on PUT and import; a document the converter refuses fails the test with the reason.
 */
import { convertSceneV1, type SceneDocument, type SceneV1DocumentInput } from '../../protocol/index.js';

export function fromV1(document: SceneV1DocumentInput): SceneDocument {
  const converted = convertSceneV1(document);
  if (!converted.ok) throw new Error(`test scene does not convert: ${converted.reason} at ${converted.path}`);
  return converted.scene;
}
