/**
 * The order jest starts test files in: the heaviest first, so the workers do not end the run waiting on
 * one long file started late. Jest does this itself from the timings of earlier runs in its cache; a fresh
 * clone (CI) has none, and jest then goes by file size, which says little here. The list comes from CI's
 * reports (test-artifacts/jest-results.json: longest files first); the rest keep jest's own order.
 */
import Sequencer from '@jest/test-sequencer';

const HEAVIEST = [
  'infra/image',
  'server/authorization-matrix',
  'e2e/demo-world',
  'e2e/scene-world',
  'e2e/studio',
  // After the image build has had a head start: real-time audio starved of CPU by it times out.
  'e2e/voice-two-players',
  'server/durability',
  'e2e/asset-crash',
  'e2e/process-loss',
  'e2e/nft-frame',
  'nft/bindings',
  'e2e/server-restart',
  'e2e/embed',
  'server/transactional-writes',
  'server/world-archive',
  'ops/backup-restore',
  'ops/move-to-postgres',
  'e2e/video-player',
  'e2e/livekit-real',
  'infra/topology',
  'e2e/voice-player',
  'e2e/vr',
  'e2e/custom-avatar',
  'e2e/studio-access',
  'server/editor-crash',
  'e2e/studio-collab',
  'asset-pipeline/budgets',
];

const rank = (file) => {
  const index = HEAVIEST.findIndex((name) => file.endsWith(`/test/${name}.test.ts`));
  return index === -1 ? HEAVIEST.length : index;
};

export default class HeaviestFirst extends Sequencer {
  sort(tests) {
    // Array.prototype.sort is stable: files off the list stay in jest's order (timings, else size).
    return super.sort(tests).sort((a, b) => rank(a.path) - rank(b.path));
  }
}
