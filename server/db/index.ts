export { openDatabase, redactUrl, type OpenDatabase } from './open-database.js';
export { isDatabaseUnavailable, isReferenceGone, DatabaseUnavailableError } from './database-errors.js';
export { migrateToLatest, migrateTo } from './migrate.js';
export { WorldsRepository } from './worlds-repository.js';
export { WorldStateRepository, type StoredSnapshot } from './world-state-repository.js';
export { seedDemoWorld, demoWorldSeeded, DEFAULT_ORG_SLUG } from './seed.js';
export { DEMO_FURNITURE, type DemoFurniture, type DemoFurnitureName } from './demo-scene.js';
export { canonicalJson, etagOf } from './canonical-json.js';
export {
  entityTexts,
  entityTextsOf,
  joinEntityTexts,
  storeDraftBody,
  storeDraftEntities,
} from './draft-bodies.js';
export type { Database, World, WorldSnapshot } from './tables.js';
export { SceneVersionsRepository } from './scene-versions-repository.js';
export { reportSceneConversionProblems } from './scene-conversion-report.js';
export { copyTables, type CopiedTable } from './table-copy.js';
export { processRunning } from './embedded-postgres/leftover-postgres.js';
