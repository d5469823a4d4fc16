/** Row types of the database, for Kysely's typed queries. Kept in step with the migrations. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface WorldsTable {
  id: Generated<string>;
  slug: string;
  name: string;
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
}

export interface Database {
  worlds: WorldsTable;
  world_state: WorldStateTable;
}

export type World = Selectable<WorldsTable>;
export type NewWorld = Insertable<WorldsTable>;
