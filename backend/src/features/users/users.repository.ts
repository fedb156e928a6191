/**
 * Users table access. Users looked up by id (every authenticated request) are
 * cached in process; every write goes through this repository, which
 * invalidates the cached user on every process after the change
 * (cache/coherence.ts), so a disabled account or a changed role is seen by the
 * very next request.
 */
import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { CoherentMap, type CacheCoherence, type Ticket } from '../../cache/coherence';
import type { AppDb, Database } from '../../db/client';
import { users } from '../../db/schema';
import type { User } from './user';

const userTag = (id: string) => `user:${id}`;

function prepareById(db: AppDb) {
  return db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('medianest_user_by_id');
}

export class UsersRepository {
  private readonly cache?: CoherentMap<User>;
  private byId?: { db: AppDb; query: ReturnType<typeof prepareById> };

  constructor(
    private readonly database: Database,
    /** Caches users looked up by id, invalidated on every process (absent: no cache). */
    private readonly coherence?: CacheCoherence,
  ) {
    if (coherence) this.cache = new CoherentMap<User>(coherence, { maxEntries: 10_000, ttlMs: 60_000 });
  }

  /** With a ticket from the coherence layer's `sync()`, served from the cache when possible. */
  async findById(id: string, ticket?: Ticket): Promise<User | undefined> {
    const cached = this.cache?.get(id, ticket);
    if (cached) return cached;
    const db = this.database.db;
    if (this.byId?.db !== db) this.byId = { db, query: prepareById(db) };
    const [row] = await this.byId.query.execute({ id });
    if (row) this.cache?.set(id, row, [userTag(id)], ticket);
    return row;
  }

  private async invalidate(id: string): Promise<void> {
    await this.coherence?.invalidate([userTag(id)]);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const [row] = await this.database.db
      .select()
      .from(users)
      .where(sql`lower(${users.username}) = ${username.toLowerCase()}`)
      .limit(1);
    return row;
  }

  async findByPlexId(plexId: string): Promise<User | undefined> {
    const [row] = await this.database.db.select().from(users).where(eq(users.plexId, plexId)).limit(1);
    return row;
  }

  /** Members whose e-mail is this address (case-insensitive); more than one means the address cannot identify anyone. */
  async findAllByEmail(email: string): Promise<User[]> {
    return this.database.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
      .limit(2);
  }

  async countAdmins(): Promise<number> {
    const [row] = await this.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.role, 'admin'));
    return row?.n ?? 0;
  }

  async list(): Promise<User[]> {
    return this.database.db.select().from(users).orderBy(asc(users.createdAt));
  }

  async create(values: Omit<typeof users.$inferInsert, 'id'>): Promise<User> {
    const [row] = await this.database.db
      .insert(users)
      .values({ id: randomUUID(), ...values })
      .returning();
    return row!;
  }

  async update(id: string, values: Partial<Omit<typeof users.$inferInsert, 'id'>>): Promise<User | undefined> {
    const [row] = await this.database.db
      .update(users)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    await this.invalidate(id);
    return row;
  }

  async recordLogin(id: string): Promise<void> {
    await this.database.db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, id));
    await this.invalidate(id);
  }
}
