/**
 * Usage metering per organization per UTC day: peak concurrent visitors, visitor-seconds, storage bytes
 * and asset bytes served. Rooms report joins and time spent; writes that change stored bytes record the new
 * total. Everything is additive or a maximum, so several processes can write the same day's row.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';

export interface UsageDay {
  day: string;
  peakCcu: number;
  visitorMinutes: number;
  storageBytes: number;
  assetBytesServed: number;
}

const today = (): string => new Date().toISOString().slice(0, 10);

/** The bytes an organization stores now, as an SQL expression: scene drafts and versions. */
function storageBytesSql(orgId: string) {
  return sql<string>`(
    coalesce((select sum(d.bytes) from scene_drafts d join worlds w on w.id = d.world_id where w.org_id = ${orgId}), 0)
    + coalesce((select sum(octet_length(v.body)) from scene_versions v join worlds w on w.id = v.world_id where w.org_id = ${orgId}), 0)
  )`;
}

/** Bytes an organization stores now: scene drafts and versions (assets join when the asset store lands). */
export async function storageBytesOf(db: Kysely<Database>, orgId: string): Promise<number> {
  const { rows } = await sql<{ bytes: string | null }>`select ${storageBytesSql(orgId)} as bytes`.execute(db);
  return Number(rows[0]?.bytes ?? 0);
}

/** An organization's slug, storage quota and the bytes it stores now, in one query. */
export async function storageStanding(
  db: Kysely<Database>,
  orgId: string,
): Promise<{ slug: string; quota: number; used: number }> {
  const { rows } = await sql<{ slug: string; quota: string; used: string }>`
    select slug, quota_storage_bytes as quota, ${storageBytesSql(orgId)} as used
    from organizations where id = ${orgId}`.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`usage: organization ${orgId} does not exist`);
  return { slug: row.slug, quota: Number(row.quota), used: Number(row.used) };
}

export class UsageService {
  /**
   * The highest peak this process wrote per organization today ("<org>|<day>"): the row only ever keeps
   * the greatest value, so a join that does not beat it need not be written (joins come in bursts).
   */
  private readonly peaksWritten = new Map<string, number>();

  constructor(private readonly db: Kysely<Database>) {}

  /** A visitor joined; `concurrent` is the organization's visitor count across instances with them. */
  async recordConcurrency(orgId: string, concurrent: number): Promise<void> {
    const day = today();
    const key = `${orgId}|${day}`;
    if ((this.peaksWritten.get(key) ?? -1) >= concurrent) return;
    await this.db
      .insertInto('usage_daily')
      .values({ org_id: orgId, day: today(), peak_ccu: concurrent })
      .onConflict((c) =>
        c
          .columns(['org_id', 'day'])
          .doUpdateSet({ peak_ccu: sql`greatest(usage_daily.peak_ccu, excluded.peak_ccu)` }),
      )
      .execute();
    // Written: later joins below it are skipped; yesterday's marks go.
    for (const kept of this.peaksWritten.keys())
      if (!kept.endsWith(`|${day}`)) this.peaksWritten.delete(kept);
    this.peaksWritten.set(key, Math.max(this.peaksWritten.get(key) ?? 0, concurrent));
  }

  /** Adds time visitors spent in an organization's worlds, in seconds. */
  async addVisitorSeconds(orgId: string, seconds: number): Promise<void> {
    if (seconds <= 0) return;
    await this.db
      .insertInto('usage_daily')
      .values({ org_id: orgId, day: today(), visitor_seconds: seconds })
      .onConflict((c) =>
        c
          .columns(['org_id', 'day'])
          .doUpdateSet({ visitor_seconds: sql`usage_daily.visitor_seconds + excluded.visitor_seconds` }),
      )
      .execute();
  }

  /** Records the organization's stored bytes now (call after a write that changed them, inside its transaction). */
  static async recordStorage(db: Kysely<Database>, orgId: string): Promise<void> {
    await UsageService.storageRecord(orgId).execute(db);
  }

  /** The statement `recordStorage` runs, for a caller that runs it with another (one round trip). */
  static storageRecord(orgId: string) {
    return sql`
      insert into usage_daily (org_id, day, storage_bytes)
      values (${orgId}, ${today()}, ${storageBytesSql(orgId)})
      on conflict (org_id, day) do update set storage_bytes = excluded.storage_bytes`;
  }

  async read(orgId: string, from: string, to: string): Promise<UsageDay[]> {
    const rows = await this.db
      .selectFrom('usage_daily')
      .select(['peak_ccu', 'visitor_seconds', 'storage_bytes', 'asset_bytes_served'])
      // to_char: drivers turn a bare date into a local-time Date, which can shift the day.
      .select(sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'))
      .where('org_id', '=', orgId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .execute();
    return rows.map((row) => ({
      day: row.day,
      peakCcu: row.peak_ccu,
      visitorMinutes: Math.round((Number(row.visitor_seconds) / 60) * 1000) / 1000,
      storageBytes: Number(row.storage_bytes),
      assetBytesServed: Number(row.asset_bytes_served),
    }));
  }
}
