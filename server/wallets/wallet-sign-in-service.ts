/**
 * Wallet sign-in and linking. A verified SIWE message proves its address; signing in with an address no
 * account holds creates a registered account for it (no email or password), and linking adds the address
 * to the signed-in account. An account keeps at least one way to sign in.
 */
import type { Kysely } from 'kysely';
import { WalletSignInError, verifyWalletSignIn, type SignInProblem } from '../../nft-bridge/index.js';
import { Problem, type SessionTokens } from '../control-plane/index.js';
import type { Database } from '../db/tables.js';
import type { ChainRuntime } from './chain-runtime.js';
import type { SiweNoncesRepository } from './siwe-nonces-repository.js';
import type { LinkedWallet, WalletsRepository } from './wallets-repository.js';

const CLIENT_PROBLEMS: ReadonlySet<SignInProblem> = new Set([
  'SIWE_MALFORMED',
  'SIWE_WRONG_DOMAIN',
  'SIWE_WRONG_URI',
  'SIWE_UNKNOWN_CHAIN',
]);

export interface SignInSettings {
  /** Origins users sign in at (PUBLIC_URL, or this server's loopback addresses when unset). */
  origins: () => string[];
  /** A message issued longer ago than this is refused, in seconds. */
  maxAgeSeconds: number;
  /** After a wallet is unlinked (its bindings went with it): the worlds whose frames showed one. */
  onUnlinked?: (accountId: string, frameWorlds: string[]) => void;
}

export class WalletSignInService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly chains: ChainRuntime,
    private readonly nonces: SiweNoncesRepository,
    private readonly wallets: WalletsRepository,
    private readonly sessions: SessionTokens,
    private readonly settings: SignInSettings,
  ) {}

  private requireOn(): void {
    if (this.chains.offReason) throw Problem.unavailable(this.chains.offReason);
  }

  nonce() {
    this.requireOn();
    return this.nonces.issue().then(({ nonce, expiresAt }) => ({
      nonce,
      expiresAt: expiresAt.toISOString(),
      domains: this.settings.origins().map((origin) => new URL(origin).host),
      chainIds: [...this.chains.clients.keys()],
    }));
  }

  /** The address the message proves, or a problem that says what is wrong with it. */
  private async verify(message: string, signature: string) {
    this.requireOn();
    try {
      const proven = await verifyWalletSignIn(
        message,
        signature,
        {
          origins: this.settings.origins(),
          chains: this.chains.clients,
          maxAgeSeconds: this.settings.maxAgeSeconds,
        },
        this.nonces,
      );
      return { address: proven.address.toLowerCase(), chainId: proven.chainId };
    } catch (error) {
      if (!(error instanceof WalletSignInError)) throw error;
      if (error.problem === 'CHAIN_UNREADABLE') throw Problem.unavailable(error.message);
      if (CLIENT_PROBLEMS.has(error.problem)) throw Problem.badRequest(error.message);
      throw Problem.unauthenticated(error.message);
    }
  }

  /** Signs in as the account holding the wallet, creating one for a new wallet. */
  async signIn(message: string, signature: string) {
    const { address, chainId } = await this.verify(message, signature);
    const accountId = await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('wallets')
        .select('account_id')
        .where('address', '=', address)
        .executeTakeFirst();
      if (existing) return existing.account_id;
      const account = await trx
        .insertInto('accounts')
        .values({
          kind: 'registered',
          display_name: `${address.slice(0, 6)}…${address.slice(-4)}`,
          email: null,
          password_hash: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (!(await this.wallets.link(trx, account.id, address, chainId)))
        throw Problem.conflict('this wallet was just linked to another account; sign in again');
      return account.id;
    });
    return { accountId, tokens: await this.sessions.startSession(accountId, 'registered') };
  }

  /** Adds the proven wallet to `accountId`. */
  async link(accountId: string, message: string, signature: string): Promise<LinkedWallet> {
    const { address, chainId } = await this.verify(message, signature);
    if (!(await this.wallets.link(this.db, accountId, address, chainId)))
      throw Problem.conflict(
        `wallet ${address} is linked to another account; sign in with it and unlink it there first`,
      );
    return (await this.wallets.list(accountId)).find((wallet) => wallet.address === address)!;
  }

  list(accountId: string): Promise<LinkedWallet[]> {
    return this.wallets.list(accountId);
  }

  async unlink(accountId: string, address: string): Promise<void> {
    const wallets = await this.wallets.list(accountId);
    if (!wallets.some((wallet) => wallet.address === address.toLowerCase()))
      throw Problem.notFound(
        `wallet ${address} is not linked to your account; GET /auth/wallets lists yours`,
      );
    const account = await this.db
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (wallets.length === 1 && account.email === null)
      throw Problem.conflict(
        'this wallet is the only way to sign in to this account; link another wallet first',
      );
    // Its bindings go with it (foreign key); rooms showing one of them on a frame are told.
    const frames = await this.db
      .selectFrom('nft_bindings')
      .select('world_id')
      .distinct()
      .where('wallet', '=', address.toLowerCase())
      .where('world_id', 'is not', null)
      .execute();
    await this.wallets.unlink(accountId, address);
    this.settings.onUnlinked?.(
      accountId,
      frames.flatMap((row) => (row.world_id ? [row.world_id] : [])),
    );
  }
}
