import { Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AnonymousAllowed, Caller } from '../api/caller.js';
import {
  accountEmailSchema,
  accountSchema,
  apiKeySchema,
  createAccountKeySchema,
  createdApiKeySchema,
  sessionResponse,
  displayNameSchema,
  uuidSchema,
} from '../api/common-schemas.js';
import { Fails, Returns, ZodBody, ZodParam, named } from '../api/zod-api.js';
import { AccessService } from '../access/access-service.js';
import { ApiKeysService } from '../keys/api-keys-service.js';
import { AccountsService, accountView } from './accounts-service.js';
import type { Principal } from './principal.js';
import { SessionTokens } from './session-tokens.js';

const emailSchema = accountEmailSchema;
const passwordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters');

const guestRequest = z.strictObject({ displayName: displayNameSchema });
const registerRequest = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
});
const loginRequest = z.strictObject({ email: emailSchema, password: z.string().min(1).max(200) });
const refreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(200) });

const meResponse = named(
  'Me',
  z.object({
    account: accountSchema,
    organizations: z.array(
      z.object({ slug: z.string(), name: z.string(), role: z.enum(['owner', 'admin', 'member']) }),
    ),
  }),
);

/**
 * Sign-in and sessions. Wallet sign-in (SIWE) is added by the NFT bridge as another way to start a
 * session for an account (AccountsService + SessionTokens.startSession); the tokens are the same.
 */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(SessionTokens) private readonly tokens: SessionTokens,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
  ) {}

  /** A guest session: a display name only, usable at once (expires after 7 days). */
  @Post('guest')
  @AnonymousAllowed()
  @Returns(201, sessionResponse)
  @Fails(400, 429)
  async guest(@ZodBody(guestRequest) body: z.output<typeof guestRequest>) {
    const account = await this.accounts.createGuest(body.displayName);
    return { ...(await this.tokens.startSession(account.id, 'guest')), account: accountView(account) };
  }

  @Post('register')
  @AnonymousAllowed()
  @Returns(201, sessionResponse)
  @Fails(400, 409, 429)
  async register(@ZodBody(registerRequest) body: z.output<typeof registerRequest>) {
    const account = await this.accounts.register(body.email, body.password, body.displayName);
    return { ...(await this.tokens.startSession(account.id, 'registered')), account: accountView(account) };
  }

  @Post('login')
  @AnonymousAllowed()
  @HttpCode(200)
  @Returns(200, sessionResponse)
  @Fails(400, 401, 429)
  async login(@ZodBody(loginRequest) body: z.output<typeof loginRequest>) {
    const account = await this.accounts.authenticate(body.email, body.password);
    return { ...(await this.tokens.startSession(account.id, 'registered')), account: accountView(account) };
  }

  /** Rotates: the refresh token is spent; using it again ends the session. */
  @Post('refresh')
  @AnonymousAllowed()
  @HttpCode(200)
  @Returns(200, sessionResponse)
  @Fails(400, 401, 429)
  async refresh(@ZodBody(refreshRequest) body: z.output<typeof refreshRequest>) {
    const tokens = await this.tokens.refresh(body.refreshToken);
    const principal = await this.tokens.verifyAccess(tokens.accessToken);
    const account = await this.accounts.find(principal.accountId);
    if (!account) throw new Error('auth: account vanished during refresh');
    return { ...tokens, account: accountView(account) };
  }

  /** Ends the session: its refresh token and every access token issued for it stop working. */
  @Post('logout')
  @AnonymousAllowed()
  @HttpCode(204)
  @Returns(204, undefined, 'Signed out')
  @Fails(400, 429)
  async logout(@ZodBody(refreshRequest) body: z.output<typeof refreshRequest>): Promise<void> {
    await this.tokens.logout(body.refreshToken);
  }

  @Get('me')
  @Returns(200, meResponse)
  @Fails(401, 403)
  async me(@Caller() caller: Principal) {
    const session = this.access.requireSession(caller, 'see your account');
    const account = await this.accounts.find(session.accountId);
    if (!account) throw new Error('auth: signed-in account not found');
    return { account: accountView(account), organizations: await this.accounts.organizationsOf(account.id) };
  }

  /** Creates a key that acts as your account in one of your organizations, within its scopes. Shown once. */
  @Post('keys')
  @Returns(201, createdApiKeySchema)
  @Fails(400, 401, 403, 404, 409, 429)
  createKey(
    @Caller() caller: Principal,
    @ZodBody(createAccountKeySchema) body: z.output<typeof createAccountKeySchema>,
  ) {
    const session = this.access.requireRegistered(caller, 'create API keys');
    const { organization, ...request } = body;
    return this.keys.createForAccount(session.accountId, organization, request);
  }

  @Get('keys')
  @Returns(200, z.array(apiKeySchema))
  @Fails(401, 403)
  listKeys(@Caller() caller: Principal) {
    const session = this.access.requireSession(caller, 'list your API keys');
    return this.keys.listForAccount(session.accountId);
  }

  @Delete('keys/:keyId')
  @HttpCode(204)
  @Returns(204, undefined, 'Revoked')
  @Fails(400, 401, 403, 404, 429)
  async revokeKey(@Caller() caller: Principal, @ZodParam('keyId', uuidSchema) keyId: string): Promise<void> {
    const session = this.access.requireSession(caller, 'revoke API keys');
    await this.keys.revokeForAccount(session.accountId, keyId);
  }
}
