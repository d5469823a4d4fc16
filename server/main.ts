/**
 * The server's entry point (`npm start`): turns on Node's on-disk compile cache, then runs the server
 * (run-server.ts). With the cache, every start after the first loads the server's modules from V8's
 * compiled code instead of compiling them again (about 0.3 s of the 3.6–4.2 s from spawn to listening, in
 * three paired runs). The cache sits beside the product's other per-machine caches
 * (~/.cache/metaverse-in-a-box), not in a shared temporary folder another user could fill;
 * NODE_COMPILE_CACHE, when set, is Node's own choice and wins. If the folder cannot be written, Node runs
 * without it.
 */
import { enableCompileCache } from 'node:module';
import { machineCachePath } from './config/machine-cache.js';

if (!process.env.NODE_COMPILE_CACHE) {
  try {
    enableCompileCache(machineCachePath('node-compile-cache'));
  } catch {
    // An unusable folder only costs the cache.
  }
}
await import('./run-server.js');
