/** Host pages on another site: shared with the embed benchmark (bench/shared/host-site.ts). */
export * from '../../bench/shared/host-site.js';
