/** The SIWE helper the benchmarks use too (one implementation). */
export { signedSiwe } from '../../bench/shared/siwe.js';
