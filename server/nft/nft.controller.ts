import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AccessService,
  AnonymousAllowed,
  Caller,
  Fails,
  Returns,
  ZodBody,
  ZodParam,
  slugSchema,
  type Principal,
} from '../control-plane/index.js';
import { BindingTargets } from './binding-targets.js';
import { NftBindingsService } from './nft-bindings-service.js';
import {
  bindingIdSchema,
  bindingSchema,
  bindingView,
  createBindingSchema,
  gateBodyDocumented,
  gateBodySchema,
  gateViewSchema,
  walletItemsSchema,
  walletItemsView,
} from './nft-schemas.js';
import type { TokenGate } from './token-gate.js';
import { TokenGates } from './token-gates.js';
import { WalletItemsService } from './wallet-items.js';

/** Bindings of tokens to in-world uses, and worlds' token gates. */
@ApiTags('nft')
@ApiBearerAuth()
@Controller()
export class NftController {
  constructor(
    @Inject(NftBindingsService) private readonly bindings: NftBindingsService,
    @Inject(BindingTargets) private readonly targets: BindingTargets,
    @Inject(TokenGates) private readonly gates: TokenGates,
    @Inject(WalletItemsService) private readonly items: WalletItemsService,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  /** Binds a token one of your linked wallets holds (read from the chain now) to a use in the worlds. */
  @Post('nft/bindings')
  @Returns(201, bindingSchema)
  @Fails(400, 401, 403, 404, 429, 503)
  async create(
    @Caller() caller: Principal,
    @ZodBody(createBindingSchema) body: z.output<typeof createBindingSchema>,
  ) {
    const account = this.access.requireSession(caller, 'bind tokens');
    const token = { chainId: body.chainId, contract: body.contract, tokenId: BigInt(body.tokenId) };
    const target =
      body.use === 'frame'
        ? await this.targets.frame(caller, body.world!, body.frame!)
        : body.use === 'key'
          ? await this.targets.portal(caller, body.world!, body.portal!, token)
          : undefined;
    const row = await this.bindings.create(account.accountId, {
      chainId: body.chainId,
      contract: body.contract,
      tokenId: BigInt(body.tokenId),
      amount: BigInt(body.amount),
      use: body.use,
      target,
    });
    return bindingView(row);
  }

  /** Your bindings, active and revoked (a revoked one says why, and comes back if the token does). */
  @Get('nft/bindings')
  @Returns(200, z.array(bindingSchema))
  @Fails(401, 403)
  async list(@Caller() caller: Principal) {
    const account = this.access.requireSession(caller, 'list your bindings');
    return (await this.bindings.list(account.accountId)).map(bindingView);
  }

  /**
   * The tokens your linked wallets hold now — of the collections each chain lists, and any you have bound —
   * with their names, pictures and your bindings of them.
   */
  @Get('nft/items')
  @Returns(200, walletItemsSchema)
  @Fails(401, 403, 503)
  async listItems(@Caller() caller: Principal) {
    const account = this.access.requireSession(caller, 'list your items');
    return walletItemsView(await this.items.list(account.accountId));
  }

  @Delete('nft/bindings/:id')
  @HttpCode(204)
  @Returns(204, undefined, 'Removed')
  @Fails(400, 401, 403, 404)
  async remove(@Caller() caller: Principal, @ZodParam('id', bindingIdSchema) id: string): Promise<void> {
    const account = this.access.requireSession(caller, 'remove bindings');
    await this.bindings.delete(account.accountId, id);
  }

  /** The world's token gate (what a visitor must hold to enter), if it has one. */
  @Get('worlds/:slug/token-gate')
  @AnonymousAllowed()
  @Returns(200, gateViewSchema)
  @Fails(400, 401, 404)
  gate(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.gates.get(caller, slug);
  }

  /** Sets the world's token gate; visitors inside who do not meet it are removed with the reason. */
  @Put('worlds/:slug/token-gate')
  @Returns(200, gateViewSchema)
  @Fails(400, 401, 403, 404, 503)
  setGate(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(gateBodySchema, gateBodyDocumented) gate: TokenGate,
  ) {
    return this.gates.set(caller, slug, gate);
  }

  @Delete('worlds/:slug/token-gate')
  @HttpCode(204)
  @Returns(204, undefined, 'Removed')
  @Fails(400, 401, 403, 404)
  async clearGate(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string): Promise<void> {
    await this.gates.clear(caller, slug);
  }
}
