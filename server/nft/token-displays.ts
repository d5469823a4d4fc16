/**
 * What the worlds show of a token: its metadata's name and image, read under the SSRF-safe policy (private
 * addresses only for the embedded dev chain's own metadata). The image is re-encoded (WebP, at most 512 px,
 * decoded with a pixel cap) and kept in the asset store, so visitors load it from this server like any
 * asset and never from the token creator's host. A token without usable metadata is still bound; its
 * display says why it has no picture. An `animation_url` that is a GLB is fetched the same way and queued
 * through the asset pipeline as the binder's upload (a prop, fitted to its budget); frames show the model
 * once its job succeeds (rooms/world-nft.ts).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { Address } from 'viem';
import type { AssetStore } from '../../asset-pipeline/index.js';
import {
  fetchUri,
  readTokenMetadata,
  type Gateways,
  type SafeFetchPolicy,
  type TokenKind,
} from '../../nft-bridge/index.js';
import { DEFAULT_WEARABLE_SLOT, slotFromAttributes } from '../../protocol/index.js';
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
/** An animation_url model: a GLB (hosts often serve it as octet-stream), at most the prop upload size. */
const MODEL_MAX_BYTES = 16 * 1024 * 1024;
const MODEL_TYPES = ['model/gltf-binary', 'application/octet-stream'];
/** A GLB begins with the ASCII magic "glTF". */
const GLB_MAGIC = 0x46546c67;

/** Queues a GLB through the asset pipeline as an account's upload (the assets service). */
export interface ModelImports {
  submitModel(accountId: string, glb: Uint8Array, name: string): Promise<string>;
}

/** How long a listed token's display is reused before its metadata is read again, in ms. */
const PREVIEW_TTL_MS = 10 * 60_000;
const PREVIEWS_KEPT = 5_000;

export class TokenDisplays {
  private readonly previews = new Map<string, { display: TokenDisplay; until: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly chains: ChainRuntime,
    private readonly store: AssetStore,
    private readonly settings: DisplaySettings,
    private readonly logger: Logger,
    private readonly models?: ModelImports,
  ) {}

  /** The token's display; its model (if any) is queued as `accountId`'s upload. */
  async of(
    chainId: number,
    contract: Address,
    tokenId: bigint,
    kind: TokenKind,
    accountId: string,
  ): Promise<TokenDisplay> {
    const display = await this.picture(chainId, contract, tokenId, kind);
    if (!display.animationUrl || !this.models) return display.shown;
    return {
      ...display.shown,
      ...(await this.model(display.animationUrl, display.policy, accountId, display.shown.name)),
    };
  }

  /**
   * The token's name and picture for a list (the Items panel): no model import, and remembered for
   * PREVIEW_TTL_MS so listing again does not fetch every document again.
   */
  async preview(chainId: number, contract: Address, tokenId: bigint, kind: TokenKind): Promise<TokenDisplay> {
    const key = `${chainId}:${contract}:${tokenId}`;
    const remembered = this.previews.get(key);
    if (remembered && remembered.until > Date.now()) return remembered.display;
    const { shown } = await this.picture(chainId, contract, tokenId, kind);
    this.previews.delete(key);
    this.previews.set(key, { display: shown, until: Date.now() + PREVIEW_TTL_MS });
    if (this.previews.size > PREVIEWS_KEPT) this.previews.delete(this.previews.keys().next().value!);
    return shown;
  }

  private async model(
    uri: string,
    policy: Omit<SafeFetchPolicy, 'maxBytes' | 'mediaTypes'>,
    accountId: string,
    name: string,
  ): Promise<Pick<TokenDisplay, 'modelJob' | 'modelProblem'>> {
    try {
      const { bytes } = await fetchUri(uri, this.settings.gateways, {
        ...policy,
        maxBytes: MODEL_MAX_BYTES,
        mediaTypes: MODEL_TYPES,
      });
      if (bytes.length < 12 || bytes.readUInt32LE(0) !== GLB_MAGIC)
        return { modelProblem: 'its animation_url is not a GLB (binary glTF); only GLB models are shown' };
      return { modelJob: await this.models!.submitModel(accountId, new Uint8Array(bytes), `${name}.glb`) };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      this.logger.info({ problem: message }, 'token shown without its model');
      return { modelProblem: `its animation_url could not be used: ${message}` };
    }
  }

  private async picture(
    chainId: number,
    contract: Address,
    tokenId: bigint,
    kind: TokenKind,
  ): Promise<{
    shown: TokenDisplay;
    animationUrl?: string | undefined;
    policy: Omit<SafeFetchPolicy, 'maxBytes' | 'mediaTypes'>;
  }> {
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
      ...(this.settings.gateways.ca ? { ca: this.settings.gateways.ca } : {}),
    };
    const fallbackName = `#${tokenId}`;
    let metadata;
    try {
      metadata = await readTokenMetadata(client, { contract, tokenId, kind }, this.settings.gateways, {
        ...policy,
        maxBytes: METADATA_MAX_BYTES,
      });
    } catch (error) {
      return { shown: this.problem(fallbackName, 'metadata', error), policy };
    }
    const name = metadata.name?.slice(0, 120) || fallbackName;
    const animationUrl = metadata.animation_url;
    const slot = slotFromAttributes(metadata.attributes);
    const named = slot === DEFAULT_WEARABLE_SLOT ? { name } : { name, slot };
    if (!metadata.image)
      return { shown: { ...named, problem: 'its metadata has no image' }, animationUrl, policy };
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
      return { shown: { ...named, image: hash }, animationUrl, policy };
    } catch (error) {
      return { shown: { ...this.problem(name, 'image', error), ...named }, animationUrl, policy };
    }
  }

  private problem(name: string, what: string, error: unknown): TokenDisplay {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    this.logger.info({ what, problem: message }, 'token shown without a picture');
    return { name, problem: `its ${what} could not be used: ${message}` };
  }
}
