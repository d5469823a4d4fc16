/** Bot visitors: shared with the benchmarks (bench/shared/visitors.ts). */
export * from '../../bench/shared/visitors.js';
