/**
 * The product's per-machine cache folder: `$XDG_CACHE_HOME/metaverse-in-a-box` (default
 * `~/.cache/metaverse-in-a-box`), outside any checkout or DATA_DIR and not in a temporary folder other users
 * share. What lives there (the embedded LiveKit binary, the demo world's processed furniture, Node's compile
 * cache) can be deleted at any time; it is made again.
 */
import os from 'node:os';
import path from 'node:path';

/** `name` inside the product's cache folder. */
export function machineCachePath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cache, 'metaverse-in-a-box', name);
}
