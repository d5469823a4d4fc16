import type { Kysely } from 'kysely';
import type { Database, NewWorld, World } from './tables.js';

/** Reads and writes world records. */
export class WorldsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findBySlug(slug: string): Promise<World | undefined> {
    return this.db.selectFrom('worlds').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  /** Creates the world unless one with the same slug exists; returns the stored world either way. */
  async ensure(world: NewWorld): Promise<World> {
    await this.db
      .insertInto('worlds')
      .values(world)
      .onConflict((conflict) => conflict.column('slug').doNothing())
      .execute();
    const stored = await this.findBySlug(world.slug);
    if (!stored) throw new Error(`database: world "${world.slug}" vanished right after it was created`);
    return stored;
  }

  list(): Promise<World[]> {
    return this.db.selectFrom('worlds').selectAll().orderBy('created_at').execute();
  }
}
