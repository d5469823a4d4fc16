/**
 * AssetStore on a local directory: `<dir>/<first two hex>/<hash>`. Writes go to a temporary file in the
 * same directory and are renamed into place, so a crash never leaves a partial blob under a hash.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertHash, type AssetStore } from './asset-store.js';

export class LocalAssetStore implements AssetStore {
  readonly description: string;

  constructor(private readonly directory: string) {
    this.description = `local directory ${directory}`;
  }

  private pathOf(hash: string): string {
    assertHash(hash);
    return path.join(this.directory, hash.slice(0, 2), hash);
  }

  async put(hash: string, bytes: Uint8Array): Promise<void> {
    const target = this.pathOf(hash);
    if (await this.has(hash)) return;
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.partial`;
    try {
      await writeFile(temporary, bytes, { flush: true });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async has(hash: string): Promise<boolean> {
    return (await this.size(hash)) !== undefined;
  }

  async size(hash: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(hash))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async read(
    hash: string,
    range?: { start: number; end: number },
  ): Promise<NodeJS.ReadableStream | undefined> {
    if (!(await this.has(hash))) return undefined;
    return createReadStream(this.pathOf(hash), range ?? {});
  }
}
