/**
 * Copies every row of every table from one database to another of the same schema (both migrated to the
 * same version), in an order that satisfies foreign keys, inside one transaction on the target. Rows travel
 * as PostgreSQL's own JSON of a row (row_to_json → json_populate_recordset), so every column type —
 * jsonb, arrays, timestamps, bytea — arrives as it was, whichever engine (PGlite or PostgreSQL) reads it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './tables.js';

/** Kysely's own bookkeeping: the target has it from running the migrations itself. */
const SKIPPED = new Set(['kysely_migration', 'kysely_migration_lock']);
const BATCH_ROWS = 500;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table of the schema
type AnyDb = Kysely<any>;

export interface CopiedTable {
  table: string;
  rows: number;
}

async function baseTables(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(db);
  return rows.map((row) => row.name).filter((name) => !SKIPPED.has(name));
}

/** Tables ordered so that each comes after every table its foreign keys name (self-references aside). */
async function inDependencyOrder(db: AnyDb, tables: string[]): Promise<string[]> {
  const { rows } = await sql<{ child: string; parent: string }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  const bare = (name: string): string => name.replace(/^.*\./, '').replaceAll('"', '');
  const parents = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const { child, parent } of rows)
    if (bare(child) !== bare(parent)) parents.get(bare(child))?.add(bare(parent));
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p)),
    );
    if (ready.length === 0)
      throw new Error(
        `move: the foreign keys of ${tables.filter((t) => !placed.has(t)).join(', ')} form a cycle`,
      );
    for (const table of ready) {
      ordered.push(table);
      placed.add(table);
    }
  }
  return ordered;
}

/** Columns a row may be inserted with (generated columns are computed by the target). */
async function insertableColumns(db: AnyDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}
      and is_generated = 'NEVER' and coalesce(identity_generation, '') <> 'ALWAYS'
    order by ordinal_position`.execute(db);
  return rows.map((row) => row.name);
}

async function rowCount(db: AnyDb, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** Serial columns' sequences continue after the copied rows (identity and serial alike). */
async function advanceSequences(trx: Transaction<Database>, table: string, columns: string[]): Promise<void> {
  for (const column of columns) {
    const { rows } = await sql<{ sequence: string | null }>`
      select pg_get_serial_sequence(${table}, ${column}) as sequence`.execute(trx);
    const sequence = rows[0]?.sequence;
    if (!sequence) continue;
    await sql`select setval(${sequence}, coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(
      trx,
    );
  }
}

/**
 * Copies every table (pages in physical order: the source is not written meanwhile) over whatever rows the
 * target's migrations seeded; on any failure nothing of the copy remains on the target. Returns each
 * table's row count, checked equal on both sides.
 */
export async function copyTables(source: Kysely<Database>, target: Kysely<Database>): Promise<CopiedTable[]> {
  const tables = await inDependencyOrder(source as AnyDb, await baseTables(source as AnyDb));
  const targetTables = new Set(await baseTables(target as AnyDb));
  const missing = tables.filter((table) => !targetTables.has(table));
  if (missing.length > 0)
    throw new Error(
      `move: the target lacks tables ${missing.join(', ')}: both must be migrated to the same version`,
    );
  return target.transaction().execute(async (trx) => {
    // Rows the target's own migrations seeded (the default organization…) make way for the source's.
    for (const table of [...tables].reverse()) await sql`delete from ${sql.table(table)}`.execute(trx);
    const copied: CopiedTable[] = [];
    for (const table of tables)
      copied.push(
        await copyTable(source, trx, table).catch((error: unknown) => {
          throw new Error(
            `move: copying table ${table} failed (${(error as Error).message}); nothing was written to the target`,
            { cause: error },
          );
        }),
      );
    return copied;
  });
}

/** One table, in pages; the row count checked on arrival. */
async function copyTable(
  source: Kysely<Database>,
  trx: Transaction<Database>,
  table: string,
): Promise<CopiedTable> {
  const columns = await insertableColumns(source as AnyDb, table);
  const list = sql.join(columns.map((column) => sql.ref(column)));
  const total = await rowCount(source as AnyDb, table);
  for (let offset = 0; offset < total; offset += BATCH_ROWS) {
    const { rows } = await sql<{ rows: string }>`
      select coalesce(json_agg(row_to_json(t)), '[]')::text as rows
      from (select * from ${sql.table(table)} order by ctid limit ${BATCH_ROWS} offset ${offset}) t`.execute(
      source,
    );
    await sql`
      insert into ${sql.table(table)} (${list})
      select ${list} from json_populate_recordset(null::${sql.table(table)}, ${rows[0]!.rows}::json)`.execute(
      trx,
    );
  }
  await advanceSequences(trx, table, columns);
  const arrived = await rowCount(trx, table);
  if (arrived !== total) throw new Error(`${total} rows were read but ${arrived} arrived`);
  return { table, rows: total };
}
