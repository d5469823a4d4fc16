/**
 * Token metadata and pictures of the dev chain's demo collections, served by this server so the embedded
 * setup needs nothing outside: ERC-721 `…/collectibles/<id>`, ERC-1155 `…/items/<64 hex digits>` (the
 * standard `{id}` form), an SVG picture per token, a GLB model for collectible #1 (its animation_url, so
 * the demo shows a token's model on a frame), and GET /nft/dev-chain (where the chain's RPC is and who
 * holds what at the start). 404 on servers without the dev chain.
 */
import { Controller, Get, Header, Inject, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { z } from 'zod';
import { DEMO_HOLDINGS, devAccount, type DemoCollection } from '../../nft-bridge/index.js';
import { Problem, ZodParam } from '../control-plane/index.js';
import { demoModelGlb } from './demo-model.js';

/** Demo collectibles that come with a model (the README's walkthrough frames #1). */
const WITH_MODEL = new Set([1]);

export class DemoMetadata {
  /** `<server>/nft/metadata`, set once the server listens. */
  base: string | undefined;
  constructor(readonly devChain: { rpcUrl: string; demo: DemoCollection } | undefined) {}
}

const PALETTE = ['#e4572e', '#29335c', '#f3a712', '#669bbc', '#a8c686', '#8f2d56', '#218380', '#ffbc42'];

function picture(label: string, index: number): string {
  const color = PALETTE[index % PALETTE.length]!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
<rect width="256" height="256" fill="${color}"/>
<circle cx="128" cy="110" r="64" fill="#ffffff" fill-opacity="0.85"/>
<text x="128" y="128" font-family="sans-serif" font-size="44" font-weight="bold" text-anchor="middle" fill="${color}">${index}</text>
<text x="128" y="226" font-family="sans-serif" font-size="22" text-anchor="middle" fill="#ffffff">${label}</text>
</svg>`;
}

const collectibleId = z.string().regex(/^\d{1,6}$/, 'must be a token id (decimal, up to 6 digits)');
const itemId = z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64-digit hex id of the ERC-1155 uri');
const PICTURE_FILE = /^(collectible|item)-(\d{1,6})\.svg$/;
const MODEL_FILE = /^collectible-(\d{1,6})\.glb$/;

@ApiExcludeController()
@Controller('nft')
export class DemoMetadataController {
  constructor(@Inject(DemoMetadata) private readonly demo: DemoMetadata) {}

  private base(): string {
    if (!this.demo.devChain || !this.demo.base)
      throw Problem.notFound('this server runs no dev chain, so it serves no demo token metadata');
    return this.demo.base;
  }

  /** Where the dev chain is and what is on it, for scripts/dev-wallet.mjs and browser wallets. */
  @Get('dev-chain')
  devChain() {
    this.base();
    const { rpcUrl, demo } = this.demo.devChain!;
    return {
      chainId: demo.chainId,
      rpcUrl,
      collectibles: demo.collectibles,
      items: demo.items,
      holdings: Object.fromEntries(
        Object.entries(DEMO_HOLDINGS).map(([index, held]) => [
          devAccount(Number(index)).address,
          {
            collectibles: held.collectibles.map(String),
            items: held.items.map(([id, amount]) => ({ id: String(id), amount: String(amount) })),
          },
        ]),
      ),
      note: 'anvil test accounts (mnemonic "test test … junk"); their keys are public: never use them elsewhere',
    };
  }

  @Get('metadata/collectibles/:id')
  collectible(@ZodParam('id', collectibleId) id: string) {
    const n = Number(id);
    return {
      name: `Demo Collectible #${n}`,
      description: 'An ERC-721 of the embedded dev chain (metaverse-in-a-box).',
      image: `${this.base()}/images/collectible-${n}.svg`,
      ...(WITH_MODEL.has(n) ? { animation_url: `${this.base()}/models/collectible-${n}.glb` } : {}),
    };
  }

  @Get('metadata/items/:id')
  item(@ZodParam('id', itemId) id: string) {
    const n = Number(BigInt(`0x${id}`) % 1_000_000n);
    return {
      name: `Demo Item #${n}`,
      description: 'An ERC-1155 of the embedded dev chain (metaverse-in-a-box).',
      image: `${this.base()}/images/item-${n}.svg`,
    };
  }

  @Get('metadata/models/:name')
  @Header('Content-Type', 'model/gltf-binary')
  @Header('Cache-Control', 'public, max-age=3600')
  async model(
    @ZodParam('name', z.string().regex(MODEL_FILE, 'must be collectible-<id>.glb')) name: string,
  ): Promise<StreamableFile> {
    this.base();
    const n = Number(MODEL_FILE.exec(name)![1]);
    if (!WITH_MODEL.has(n)) throw Problem.notFound(`demo collectible #${n} has no model`);
    return new StreamableFile(await demoModelGlb(PALETTE[n % PALETTE.length]!));
  }

  @Get('metadata/images/:name')
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=3600')
  image(
    @ZodParam('name', z.string().regex(PICTURE_FILE, 'must be collectible-<id>.svg or item-<id>.svg'))
    name: string,
  ): string {
    this.base();
    const [, kind, id] = PICTURE_FILE.exec(name)!;
    return picture(kind === 'collectible' ? 'DEMO' : 'ITEM', Number(id));
  }
}
