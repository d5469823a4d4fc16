/**
 * What the worlds show of a token: its metadata's name and image, read under the SSRF-safe policy (private
 * addresses only for the embedded dev chain's own metadata). The image is re-encoded (WebP, at most 512 px,
 * decoded with a pixel cap) and kept in the asset store, so visitors load it from this server like any
 * asset and never from the token creator's host. A token without usable metadata is still bound; its
 * display says why it has no picture.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { Address } from 'viem';
import type { AssetStore } from '../../asset-pipeline/index.js';
import { fetchUri, readTokenMetadata, type Gateways, type TokenKind } from '../../nft-bridge/index.js';
import type { Database, TokenDisplay } from '../db/tables.js';
import type { ChainRuntime } from '../wallets/index.js';

export interface DisplaySettings {
  gateways: Gateways;
  /** Per document, redirects included, in ms. */
  timeoutMs: number;
}

const METADATA_MAX_BYTES = 256 * 1024;
const IMAGE_MAX_BYTES = 8 * 1024 * 1024;
/** Decoding stops above this many pixels (a decompression bomb is refused, not decoded). */
const IMAGE_MAX_PIXELS = 4096 * 4096;
/** Longest side of the stored image, in pixels. */
const IMAGE_SIDE = 512;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif', 'image/svg+xml'];

export class TokenDisplays {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly chains: ChainRuntime,
    private readonly store: AssetStore,
    private readonly settings: DisplaySettings,
    private readonly logger: Logger,
  ) {}

  async of(chainId: number, contract: Address, tokenId: bigint, kind: TokenKind): Promise<TokenDisplay> {
    const chain = this.chains.chains.find((candidate) => candidate.id === chainId)!;
    const client = this.chains.clients.get(chainId)!;
    const policy = {
      allowPrivate: chain.dev,
      allowHttp: chain.dev,
      trustedOrigins: [
        new URL(this.settings.gateways.ipfs).origin,
        new URL(this.settings.gateways.arweave).origin,
      ],
      timeoutMs: this.settings.timeoutMs,
      maxRedirects: 3,
    };
    const fallbackName = `#${tokenId}`;
    let metadata;
    try {
      metadata = await readTokenMetadata(client, { contract, tokenId, kind }, this.settings.gateways, {
        ...policy,
        maxBytes: METADATA_MAX_BYTES,
      });
    } catch (error) {
      return this.problem(fallbackName, 'metadata', error);
    }
    const name = metadata.name?.slice(0, 120) || fallbackName;
    if (!metadata.image) return { name, problem: 'its metadata has no image' };
    try {
      const { bytes } = await fetchUri(metadata.image, this.settings.gateways, {
        ...policy,
        maxBytes: IMAGE_MAX_BYTES,
        mediaTypes: IMAGE_TYPES,
      });
      const webp = await sharp(bytes, { limitInputPixels: IMAGE_MAX_PIXELS, animated: false })
        .resize(IMAGE_SIDE, IMAGE_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 85 })
        .toBuffer();
      const hash = createHash('sha256').update(webp).digest('hex');
      await this.store.put(hash, webp);
      await this.db
        .insertInto('asset_files')
        .values({ hash, media_type: 'image/webp', bytes: webp.length })
        .onConflict((conflict) => conflict.column('hash').doNothing())
        .execute();
      return { name, image: hash };
    } catch (error) {
      return this.problem(name, 'image', error);
    }
  }

  private problem(name: string, what: string, error: unknown): TokenDisplay {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    this.logger.info({ what, problem: message }, 'token shown without a picture');
    return { name, problem: `its ${what} could not be used: ${message}` };
  }
}
