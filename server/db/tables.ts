/** Row types of the database, for Kysely's typed queries. Kept in step with the migrations. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { WearableSlot } from '../../protocol/index.js';

export type Visibility = 'public' | 'unlisted' | 'private';
export type VoiceMode = 'off' | 'proximity' | 'global';
export type OrgRole = 'owner' | 'admin' | 'member';
export type WorldRole = 'owner' | 'editor' | 'moderator' | 'visitor';
export type ApiKeyScope = 'read' | 'embed' | 'manage';

export interface WorldsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  org_id: string;
  description: Generated<string>;
  visibility: Generated<Visibility>;
  /** Visitors per instance. */
  capacity: Generated<number>;
  voice_mode: Generated<VoiceMode>;
  /** Visitors who may talk may also publish camera video / share their screen. */
  allow_camera: Generated<boolean>;
  allow_screen_share: Generated<boolean>;
  thumbnail_asset: string | null;
  /** The scene version running instances load; null until the first publish. */
  published_version: number | null;
  /** Who may enter, by what they hold on chain (server/nft/token-gate.ts); null = no gate. */
  token_gate: ColumnType<unknown, string | null | undefined, string | null>;
  /** The world's own scene limits, each within its plan's; null (or a missing key) = the plan's. */
  scene_limits: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface AccountsTable {
  id: Generated<string>;
  kind: 'guest' | 'registered';
  email: string | null;
  display_name: string;
  /** scrypt hash in the self-describing form produced by passwords.ts; null for guests. */
  password_hash: string | null;
  is_operator: Generated<boolean>;
  created_at: ColumnType<Date, never, never>;
}

export interface SessionsTable {
  id: Generated<string>;
  account_id: string;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  /** sha-256 of the token; the token itself is never stored. */
  token_hash: string;
  session_id: string;
  created_at: ColumnType<Date, never, never>;
  used_at: Date | null;
}

export interface OrganizationsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  quota_worlds: Generated<number>;
  quota_storage_bytes: ColumnType<string, number | undefined, number>;
  quota_peak_ccu: Generated<number>;
  quota_upload_bytes: ColumnType<string, number | undefined, number>;
  /** The plan's scene limits (protocol/scene-limits.ts); null = the default plan. */
  scene_limits: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
}

export interface OrgMembersTable {
  org_id: string;
  account_id: string;
  role: OrgRole;
  created_at: ColumnType<Date, never, never>;
}

export interface WorldRolesTable {
  world_id: string;
  account_id: string;
  role: WorldRole;
  created_at: ColumnType<Date, never, never>;
}

export interface WorldInvitationsTable {
  id: Generated<string>;
  world_id: string;
  role: Exclude<WorldRole, 'owner'>;
  token_hash: string;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
  accepted_by: string | null;
  accepted_at: Date | null;
}

export interface WorldBansTable {
  world_id: string;
  account_id: string;
  reason: string;
  /** null = permanent. */
  expires_at: Date | null;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface SceneDraftsTable {
  world_id: string;
  revision: number;
  /**
   * Canonical JSON text (RFC 8785) of a draft stored whole; null when it is stored per entity (every schema
   * 2 draft: scene_draft_entities). Read drafts from scene_draft_documents (draft-bodies.ts).
   */
  body: string | null;
  /** The ETag of the draft's canonical text, however it is stored. */
  etag: string;
  /** The canonical text's length in bytes (kept by every write; quotas read it). */
  bytes: ColumnType<string, number, number>;
  updated_by: string | null;
  updated_at: ColumnType<Date, never, Date>;
}

/** One entity of a draft stored per entity: its canonical JSON text. */
export interface SceneDraftEntitiesTable {
  world_id: string;
  entity_id: string;
  body: string;
}

/** A draft's live-editing (Yjs) state, saved with the draft whose ETag it names (0013). */
export interface SceneDraftLiveTable {
  world_id: string;
  state: Uint8Array;
  etag: string;
  updated_at: ColumnType<Date, never, Date>;
}

/** A view: every draft's canonical text, however it is stored, and its length in bytes (not joined). */
export interface SceneDraftDocumentsView {
  world_id: ColumnType<string, never, never>;
  revision: ColumnType<number, never, never>;
  etag: ColumnType<string, never, never>;
  updated_by: ColumnType<string | null, never, never>;
  updated_at: ColumnType<Date, never, never>;
  body: ColumnType<string, never, never>;
  bytes: ColumnType<string, never, never>;
}

/** Stored schema 1 scenes the 0008 migration could not convert (left as they were), and why. */
export interface SceneConversionProblemsTable {
  world_id: string;
  /** Null for the draft. */
  version: number | null;
  entity: string | null;
  /** JSON Pointer into the schema 1 document. */
  path: string;
  reason: string;
  recorded_at: ColumnType<Date, never, never>;
}

export interface SceneVersionsTable {
  world_id: string;
  version: number;
  body: string;
  etag: string;
  author_id: string | null;
  message: string;
  /** Set when this version re-publishes an older one. */
  rollback_of: number | null;
  created_at: ColumnType<Date, never, never>;
}

export interface ApiKeysTable {
  id: Generated<string>;
  /** Every key belongs to one organization: a world key to its world's, an account key acts only there. */
  org_id: string;
  world_id: string | null;
  account_id: string | null;
  name: string;
  scopes: ApiKeyScope[];
  origins: Generated<string[]>;
  key_hash: string;
  /** The key itself, for embed keys only (public by design: they sit in a page's HTML); null for secrets. */
  public_key: string | null;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  org_id: string | null;
  world_id: string | null;
  actor_id: string | null;
  action: string;
  detail: ColumnType<Record<string, unknown>, string, never>;
  at: ColumnType<Date, never, never>;
}

export interface UsageDailyTable {
  org_id: string;
  /** UTC day, yyyy-mm-dd. */
  day: ColumnType<string, string, string>;
  peak_ccu: Generated<number>;
  visitor_seconds: ColumnType<number, number | undefined, number>;
  storage_bytes: ColumnType<string, number | undefined, number>;
  asset_bytes_served: ColumnType<string, number | undefined, number>;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: ColumnType<Date, never, never>;
}

/** The latest saved snapshot of a world's persistent state; `revision` increases by one per save. */
export interface WorldStateTable {
  world_id: string;
  revision: ColumnType<number, number, number>;
  state: ColumnType<WorldSnapshot, string, string>;
  saved_at: ColumnType<Date, never, never>;
}

/** What survives a restart of a world (JSON in world_state.state). */
export interface WorldSnapshot {
  /** Schema version of this document. */
  v: 1;
  presses: number;
  /**
   * Movable items visitors put somewhere, by scene entity id: metres and yaw in radians. Items never moved
   * are absent (they rest where the scene places them). Absent in snapshots saved before items existed.
   */
  items?: Record<string, { x: number; y: number; z: number; yaw: number }>;
}

export interface AssetFilesTable {
  hash: string;
  media_type: string;
  /** Postgres bigint arrives as a string. */
  bytes: ColumnType<string, number, never>;
  created_at: ColumnType<Date, never, never>;
}

export interface AssetsTable {
  hash: string;
  profile: string;
  report: ColumnType<unknown, string, never>;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
}

export type AssetJobStatus = 'queued' | 'running' | 'succeeded' | 'rejected' | 'failed';

/** An upload as the library shows it: a name, an owner, optionally an organization and a world, tags. */
export interface LibraryAssetsTable {
  id: Generated<string>;
  job_id: string;
  owner_id: string;
  org_id: string | null;
  world_id: string | null;
  name: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface AssetJobsTable {
  id: string;
  account_id: string;
  profile: string;
  options: ColumnType<unknown, string, string>;
  status: AssetJobStatus;
  stage: string | null;
  percent: Generated<number>;
  input_bytes: ColumnType<string, number, never>;
  input_name: string;
  attempts: Generated<number>;
  asset_hash: string | null;
  problems: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface WalletsTable {
  /** Lowercase 0x address. */
  address: string;
  account_id: string;
  /** The chain the linking sign-in named. */
  chain_id: number;
  linked_at: ColumnType<Date, Date | undefined, never>;
}

export interface SiweNoncesTable {
  nonce: string;
  expires_at: Date;
  spent_at: Date | null;
}

/** What the worlds show of a bound token, from its metadata; images are re-encoded and kept as assets. */
export interface TokenDisplay {
  name: string;
  /** Where it is worn (its metadata's "slot" attribute; absent = the head). */
  slot?: WearableSlot;
  /** sha-256 of the image as stored in the asset store, when there is one. */
  image?: string;
  /**
   * The metadata's `animation_url` GLB, imported through the asset pipeline: the asset job while it runs,
   * then the model's asset hash (or why it could not be used, in `modelProblem`).
   */
  modelJob?: string;
  model?: string;
  modelProblem?: string;
  /** Why the metadata or image could not be used, if so. */
  problem?: string;
}

export type BindingUse = 'wearable' | 'frame' | 'key' | 'collectible';

export interface NftBindingsTable {
  id: Generated<string>;
  account_id: string;
  /** Lowercase 0x address of the wallet that holds the token. */
  wallet: string;
  chain_id: number;
  /** Lowercase 0x address. */
  contract: string;
  /** uint256 as a decimal string. */
  token_id: string;
  amount: string;
  standard: 'erc721' | 'erc1155';
  use: BindingUse;
  /** frame and key: the world and the scene entity (the nft-frame, the portal or door). */
  world_id: string | null;
  target: string | null;
  status: Generated<'active' | 'revoked'>;
  revoked_reason: string | null;
  /** The token's metadata as the bridge read it (name, image asset…), or why it could not. */
  metadata: ColumnType<TokenDisplay | null, string | null, string | null>;
  changed_at: ColumnType<Date, never, Date>;
  created_at: ColumnType<Date, never, never>;
}

export interface ChainCursorsTable {
  chain_id: number;
  cursor: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface Database {
  nft_bindings: NftBindingsTable;
  chain_cursors: ChainCursorsTable;
  wallets: WalletsTable;
  siwe_nonces: SiweNoncesTable;
  asset_files: AssetFilesTable;
  assets: AssetsTable;
  asset_jobs: AssetJobsTable;
  worlds: WorldsTable;
  world_state: WorldStateTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  organizations: OrganizationsTable;
  org_members: OrgMembersTable;
  world_roles: WorldRolesTable;
  world_invitations: WorldInvitationsTable;
  world_bans: WorldBansTable;
  /** Same columns as bans: a muted visitor stays in the world but cannot chat. */
  world_mutes: WorldBansTable;
  scene_drafts: SceneDraftsTable;
  scene_draft_entities: SceneDraftEntitiesTable;
  scene_draft_documents: SceneDraftDocumentsView;
  scene_draft_live: SceneDraftLiveTable;
  scene_versions: SceneVersionsTable;
  scene_conversion_problems: SceneConversionProblemsTable;
  library_assets: LibraryAssetsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  usage_daily: UsageDailyTable;
  server_secrets: ServerSecretsTable;
}

export type World = Selectable<WorldsTable>;
export type NewWorld = Insertable<WorldsTable>;
export type Account = Selectable<AccountsTable>;
export type Organization = Selectable<OrganizationsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
