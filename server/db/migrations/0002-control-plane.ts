import { sql, type Kysely } from 'kysely';

/**
 * The control plane: accounts and sessions, organizations with quotas and usage, world settings, world
 * roles, invitations and bans, scene drafts and published versions, API keys and the audit log.
 * Worlds that existed before belong to the organization "default" afterwards.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`
      create table accounts (
        id uuid primary key default gen_random_uuid(),
        kind text not null check (kind in ('guest', 'registered')),
        email text unique check (email = lower(email)),
        display_name text not null check (length(display_name) between 1 and 60),
        password_hash text,
        is_operator boolean not null default false,
        created_at timestamptz not null default now(),
        check ((kind = 'registered') = (email is not null and password_hash is not null))
      )`,
    // One row per sign-in; access tokens name their session, so revoking it ends them at once.
    sql`
      create table sessions (
        id uuid primary key default gen_random_uuid(),
        account_id uuid not null references accounts (id) on delete cascade,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz,
        revoked_reason text
      )`,
    sql`create index sessions_account on sessions (account_id)`,
    // Refresh tokens rotate: each is used once; a second use revokes the whole session (theft).
    sql`
      create table refresh_tokens (
        token_hash text primary key,
        session_id uuid not null references sessions (id) on delete cascade,
        created_at timestamptz not null default now(),
        used_at timestamptz
      )`,
    sql`
      create table organizations (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        name text not null check (length(name) between 1 and 120),
        quota_worlds integer not null default 20 check (quota_worlds >= 0),
        quota_storage_bytes bigint not null default 1073741824 check (quota_storage_bytes >= 0),
        quota_peak_ccu integer not null default 1000 check (quota_peak_ccu >= 0),
        quota_upload_bytes bigint not null default 104857600 check (quota_upload_bytes >= 0),
        created_at timestamptz not null default now()
      )`,
    sql`
      create table org_members (
        org_id uuid not null references organizations (id) on delete cascade,
        account_id uuid not null references accounts (id) on delete cascade,
        role text not null check (role in ('owner', 'admin', 'member')),
        created_at timestamptz not null default now(),
        primary key (org_id, account_id)
      )`,
    sql`create index org_members_account on org_members (account_id)`,
    sql`insert into organizations (slug, name) values ('default', 'Default organization')`,
    sql`alter table worlds add column org_id uuid references organizations (id) on delete cascade`,
    sql`update worlds set org_id = (select id from organizations where slug = 'default')`,
    sql`alter table worlds alter column org_id set not null`,
    sql`alter table worlds add column description text not null default '' check (length(description) <= 2000)`,
    sql`alter table worlds add column visibility text not null default 'public' check (visibility in ('public', 'unlisted', 'private'))`,
    sql`alter table worlds add column capacity integer not null default 1000 check (capacity between 1 and 5000)`,
    sql`alter table worlds add column voice_mode text not null default 'proximity' check (voice_mode in ('off', 'proximity', 'global'))`,
    sql`alter table worlds add column thumbnail_asset text check (thumbnail_asset ~ '^[0-9a-f]{64}$')`,
    sql`alter table worlds add column published_version integer`,
    sql`alter table worlds add column updated_at timestamptz not null default now()`,
    sql`create index worlds_org on worlds (org_id)`,
    sql`
      create table world_roles (
        world_id uuid not null references worlds (id) on delete cascade,
        account_id uuid not null references accounts (id) on delete cascade,
        role text not null check (role in ('owner', 'editor', 'moderator', 'visitor')),
        created_at timestamptz not null default now(),
        primary key (world_id, account_id)
      )`,
    sql`create index world_roles_account on world_roles (account_id)`,
    sql`
      create table world_invitations (
        id uuid primary key default gen_random_uuid(),
        world_id uuid not null references worlds (id) on delete cascade,
        role text not null check (role in ('editor', 'moderator', 'visitor')),
        token_hash text not null unique,
        created_by uuid references accounts (id) on delete set null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        accepted_by uuid references accounts (id) on delete set null,
        accepted_at timestamptz
      )`,
    sql`
      create table world_bans (
        world_id uuid not null references worlds (id) on delete cascade,
        account_id uuid not null references accounts (id) on delete cascade,
        reason text not null check (length(reason) between 1 and 500),
        expires_at timestamptz,
        created_by uuid references accounts (id) on delete set null,
        created_at timestamptz not null default now(),
        primary key (world_id, account_id)
      )`,
    // Scene JSON is stored as the exact canonical text (RFC 8785) so what is read back is byte-identical.
    sql`
      create table scene_drafts (
        world_id uuid primary key references worlds (id) on delete cascade,
        revision integer not null check (revision > 0),
        body text not null,
        etag text not null,
        updated_by uuid references accounts (id) on delete set null,
        updated_at timestamptz not null default now()
      )`,
    sql`
      create table scene_versions (
        world_id uuid not null references worlds (id) on delete cascade,
        version integer not null check (version > 0),
        body text not null,
        etag text not null,
        author_id uuid references accounts (id) on delete set null,
        message text not null check (length(message) <= 500),
        rollback_of integer,
        created_at timestamptz not null default now(),
        primary key (world_id, version)
      )`,
    sql`
      create table api_keys (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        world_id uuid references worlds (id) on delete cascade,
        account_id uuid references accounts (id) on delete cascade,
        name text not null check (length(name) between 1 and 120),
        scopes text[] not null,
        origins text[] not null default '{}',
        key_hash text not null unique,
        created_by uuid references accounts (id) on delete set null,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        check ((world_id is null) <> (account_id is null))
      )`,
    sql`
      create table audit_log (
        id bigserial primary key,
        org_id uuid references organizations (id) on delete cascade,
        world_id uuid,
        actor_id uuid,
        action text not null,
        detail jsonb not null default '{}',
        at timestamptz not null default now()
      )`,
    sql`create index audit_log_org on audit_log (org_id, id)`,
    sql`create index audit_log_world on audit_log (world_id, id)`,
    sql`
      create table usage_daily (
        org_id uuid not null references organizations (id) on delete cascade,
        day date not null,
        peak_ccu integer not null default 0,
        visitor_seconds double precision not null default 0,
        storage_bytes bigint not null default 0,
        asset_bytes_served bigint not null default 0,
        primary key (org_id, day)
      )`,
    // Secrets the server generates for itself on first boot (the token-signing key), shared by every process.
    sql`
      create table server_secrets (
        name text primary key,
        value text not null,
        created_at timestamptz not null default now()
      )`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'server_secrets',
    'usage_daily',
    'audit_log',
    'api_keys',
    'scene_versions',
    'scene_drafts',
    'world_bans',
    'world_invitations',
    'world_roles',
  ])
    await sql`drop table ${sql.table(table)}`.execute(db);
  for (const column of [
    'org_id',
    'description',
    'visibility',
    'capacity',
    'voice_mode',
    'thumbnail_asset',
    'published_version',
    'updated_at',
  ])
    await sql`alter table worlds drop column ${sql.ref(column)}`.execute(db);
  for (const table of ['org_members', 'organizations', 'refresh_tokens', 'sessions', 'accounts'])
    await sql`drop table ${sql.table(table)}`.execute(db);
}
