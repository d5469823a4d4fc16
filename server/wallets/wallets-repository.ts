/** Wallets proven by SIWE, each linked to one account; an account may have several. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.js';

export interface LinkedWallet {
  address: string;
  chainId: number;
  linkedAt: string;
}

export class WalletsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async ownerOf(address: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('wallets')
      .select('account_id')
      .where('address', '=', address.toLowerCase())
      .executeTakeFirst();
    return row?.account_id;
  }

  /** Links `address` to the account; false when another account holds it already. */
  async link(db: Kysely<Database>, accountId: string, address: string, chainId: number): Promise<boolean> {
    const inserted = await db
      .insertInto('wallets')
      .values({ address: address.toLowerCase(), account_id: accountId, chain_id: chainId })
      .onConflict((conflict) => conflict.column('address').doNothing())
      .returning('account_id')
      .executeTakeFirst();
    if (inserted) return true;
    return (await this.ownerOf(address)) === accountId;
  }

  async list(accountId: string): Promise<LinkedWallet[]> {
    const rows = await this.db
      .selectFrom('wallets')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('linked_at')
      .execute();
    return rows.map((row) => ({
      address: row.address,
      chainId: row.chain_id,
      linkedAt: new Date(row.linked_at).toISOString(),
    }));
  }

  async unlink(accountId: string, address: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('wallets')
      .where('account_id', '=', accountId)
      .where('address', '=', address.toLowerCase())
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
