import { Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AccessService,
  AccountsService,
  AnonymousAllowed,
  Caller,
  Fails,
  Returns,
  ZodBody,
  ZodParam,
  accountView,
  sessionResponse,
  type Principal,
} from '../control-plane/index.js';
import { WalletSignInService } from './wallet-sign-in-service.js';
import { addressSchema, nonceResponse, signedMessage, walletSchema } from './wallet-schemas.js';

/** Sign-In with Ethereum: nonces, sign-in (creating an account for a new wallet), linked wallets. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class WalletsController {
  constructor(
    @Inject(WalletSignInService) private readonly wallets: WalletSignInService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  /** A single-use nonce for a SIWE message (valid for 10 minutes). */
  @Post('siwe/nonce')
  @AnonymousAllowed()
  @Returns(201, nonceResponse)
  @Fails(429, 503)
  nonce() {
    return this.wallets.nonce();
  }

  /** Signs in with a signed SIWE message: the wallet's account, created on first sign-in. */
  @Post('siwe')
  @AnonymousAllowed()
  @HttpCode(200)
  @Returns(200, sessionResponse)
  @Fails(400, 401, 429, 503)
  async signIn(@ZodBody(signedMessage) body: z.output<typeof signedMessage>) {
    const { accountId, tokens } = await this.wallets.signIn(body.message, body.signature);
    const account = await this.accounts.find(accountId);
    if (!account) throw new Error('wallets: signed-in account not found');
    return { ...tokens, account: accountView(account) };
  }

  @Get('wallets')
  @Returns(200, z.array(walletSchema))
  @Fails(401, 403)
  list(@Caller() caller: Principal) {
    return this.wallets.list(this.access.requireSession(caller, 'list your wallets').accountId);
  }

  /** Links another wallet to your account, proven by a signed SIWE message. */
  @Post('wallets')
  @Returns(201, walletSchema)
  @Fails(400, 401, 403, 409, 429, 503)
  link(@Caller() caller: Principal, @ZodBody(signedMessage) body: z.output<typeof signedMessage>) {
    const account = this.access.requireRegistered(caller, 'link wallets');
    return this.wallets.link(account.accountId, body.message, body.signature);
  }

  @Delete('wallets/:address')
  @HttpCode(204)
  @Returns(204, undefined, 'Unlinked')
  @Fails(400, 401, 403, 404, 409, 429)
  async unlink(
    @Caller() caller: Principal,
    @ZodParam('address', addressSchema) address: string,
  ): Promise<void> {
    const account = this.access.requireSession(caller, 'unlink wallets');
    await this.wallets.unlink(account.accountId, address);
  }
}
