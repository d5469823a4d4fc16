/** Polling waits: shared with the benchmarks (bench/shared/wait.ts). */
export * from '../../bench/shared/wait.js';
