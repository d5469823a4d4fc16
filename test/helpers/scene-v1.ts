/**
 * Tests written against schema 1 scenes (entities in an array) read them through the converter, as the
 * server does on PUT and import; a document the converter refuses fails the test with the reason.
 */
import { convertSceneV1, type SceneDocument, type SceneV1DocumentInput } from '../../protocol/index.js';
import { demoScene } from '../../server/db/demo-scene.js';

export function fromV1(document: SceneV1DocumentInput): SceneDocument {
  const converted = convertSceneV1(document);
  if (!converted.ok) throw new Error(`test scene does not convert: ${converted.reason} at ${converted.path}`);
  return converted.scene;
}

/** The entities the demo world gained after schema 2 (its look: HDR sky and light, lawn, plaza). */
const DEMO_LOOK_ENTITIES = ['sky', 'lawn', 'plaza'];

/**
 * Today's demo scene as schema 1 could say it: without the look entities added since, so the stored
 * schema 1 demo world converts to exactly this.
 */
export function demoSceneBeforeItsLook(): SceneDocument {
  const scene = demoScene();
  return {
    ...scene,
    entities: Object.fromEntries(
      Object.entries(scene.entities).filter(([id]) => !DEMO_LOOK_ENTITIES.includes(id)),
    ),
  };
}
