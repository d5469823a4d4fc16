import { sql, type Kysely } from 'kysely';

/**
 * Wallet sign-in (SIWE). wallets: addresses proven by a signature, each linked to one account (an account
 * may have several). siwe_nonces: single-use nonces the server issued, spent when a sign-in succeeds.
 * A registered account may now have no email and password: one made by wallet sign-in has a wallet instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts drop constraint accounts_check`.execute(db);
  await sql`
    alter table accounts add constraint accounts_credentials_check check (
      (email is null) = (password_hash is null) and (kind = 'registered' or email is null)
    )`.execute(db);
  await sql`
    create table wallets (
      address text primary key check (address ~ '^0x[0-9a-f]{40}$'),
      account_id uuid not null references accounts (id) on delete cascade,
      chain_id integer not null,
      linked_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index wallets_account on wallets (account_id)`.execute(db);
  await sql`
    create table siwe_nonces (
      nonce text primary key,
      expires_at timestamptz not null,
      spent_at timestamptz
    )`.execute(db);
}
