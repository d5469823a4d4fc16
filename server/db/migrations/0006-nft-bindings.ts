import { sql, type Kysely } from 'kysely';

/**
 * NFT bindings: a token (or an ERC-1155 id and amount) a visitor holds, put to a use in the worlds — worn,
 * framed on a scene's nft-frame, a key, a profile collectible. A binding stays while its wallet holds the
 * token; the transfer indexer revokes it when the token leaves and restores it when the token is back (a
 * reorg, a buy-back). chain_cursors: where each chain's indexer stopped. worlds.token_gate: who may enter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table nft_bindings (
      id uuid primary key default gen_random_uuid(),
      account_id uuid not null references accounts (id) on delete cascade,
      wallet text not null references wallets (address) on delete cascade,
      chain_id integer not null,
      contract text not null check (contract ~ '^0x[0-9a-f]{40}$'),
      token_id numeric(78, 0) not null check (token_id >= 0),
      amount numeric(78, 0) not null default 1 check (amount > 0),
      standard text not null check (standard in ('erc721', 'erc1155')),
      use text not null check (use in ('wearable', 'frame', 'key', 'collectible')),
      world_id uuid references worlds (id) on delete cascade,
      target text,
      status text not null default 'active' check (status in ('active', 'revoked')),
      revoked_reason text,
      metadata jsonb,
      changed_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      check ((use in ('frame', 'key')) = (world_id is not null and target is not null))
    )`.execute(db);
  await sql`create index nft_bindings_token on nft_bindings (chain_id, contract, token_id)`.execute(db);
  await sql`create index nft_bindings_account on nft_bindings (account_id)`.execute(db);
  await sql`create index nft_bindings_world on nft_bindings (world_id, target)`.execute(db);
  await sql`
    create table chain_cursors (
      chain_id integer primary key,
      cursor jsonb not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`alter table worlds add column token_gate jsonb`.execute(db);
}
