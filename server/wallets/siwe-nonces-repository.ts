/** Single-use SIWE nonces in the database, so any process can spend a nonce another one issued. */
import { sql, type Kysely } from 'kysely';
import { generateSiweNonce } from 'viem/siwe';
import type { NonceStore } from '../../nft-bridge/index.js';
import type { Database } from '../db/tables.js';

export class SiweNoncesRepository implements NonceStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** How long a nonce may wait to be signed, in seconds. */
    private readonly ttlSeconds: number,
  ) {}

  async issue(): Promise<{ nonce: string; expiresAt: Date }> {
    const nonce = generateSiweNonce();
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    await this.db
      .insertInto('siwe_nonces')
      .values({ nonce, expires_at: expiresAt, spent_at: null })
      .execute();
    // Old nonces are of no use: a day past expiry, they go.
    await sql`delete from siwe_nonces where expires_at < now() - interval '1 day'`.execute(this.db);
    return { nonce, expiresAt };
  }

  async consume(nonce: string): Promise<boolean> {
    const result = await this.db
      .updateTable('siwe_nonces')
      .set({ spent_at: new Date() })
      .where('nonce', '=', nonce)
      .where('spent_at', 'is', null)
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
