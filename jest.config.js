/**
 * Jest runs TypeScript through ts-jest in ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by
 * scripts/run-tests.mjs), with the same tsconfig as the build, so NestJS decorator metadata is emitted
 * and ESM-only packages (three, viem, parts of Colyseus) load natively.
 */
/** @type {import('jest').Config} */
export default {
  testEnvironment: '<rootDir>/test/environment/fast-globals-environment.mjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // A guard against hangs, not a timing check: with three workers on two cores a slow test may take
  // twice as long as alone.
  testTimeout: 120_000,
  testSequencer: '<rootDir>/scripts/test-sequencer.mjs',
  // Three workers on two cores: the suite waits a lot (servers starting, LiveKit retrying, podman building,
  // pages loading), which a third worker fills. A fourth was tried (2026-12-06): no faster (18:18 against
  // 17:24), and real-time voice and chain checks starved.
  maxWorkers: 3,
  // A worker keeps every test file's modules it has loaded (ESM in vm contexts is not freed): after ~40
  // server test files each held 2-2.7 GB and PGlite's start took 4-10x as long in the GC-bound heap. A
  // worker above this after a file is replaced by a fresh one (test/server alone: 284 -> 238 s).
  workerIdleMemoryLimit: '700MB',
};
