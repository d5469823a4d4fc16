/** Mulberry32 (protocol's seededRandom), so generated models, drafts and edits are identical run to run. */
export { seededRandom as random } from '../../protocol/seeded-random.js';
