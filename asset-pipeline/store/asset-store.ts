/**
 * Where asset bytes live, content-addressed by their sha-256 (hex): the same bytes are stored once,
 * whichever world uploads them. A blob is only visible once fully written (writes are atomic).
 */
export interface AssetStore {
  /** Stores `bytes` under `hash` (the caller computed sha-256 of exactly these bytes). Idempotent. */
  put(hash: string, bytes: Uint8Array): Promise<void>;
  has(hash: string): Promise<boolean>;
  /** Size in bytes, or undefined when absent. */
  size(hash: string): Promise<number | undefined>;
  /** Reads `[start, end]` (inclusive, like HTTP ranges) or the whole blob; undefined when absent. */
  read(hash: string, range?: { start: number; end: number }): Promise<NodeJS.ReadableStream | undefined>;
  /** A short description for logs and readiness, e.g. `local directory /data/assets`. */
  readonly description: string;
}

/** sha-256 in lowercase hex: the only keys a store accepts (never a path). */
export const HASH_PATTERN = /^[0-9a-f]{64}$/;

export function assertHash(hash: string): void {
  if (!HASH_PATTERN.test(hash))
    throw new Error(`asset-pipeline: "${hash.slice(0, 80)}" is not a sha-256 hex hash`);
}
