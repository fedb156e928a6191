/** Users table access. */
import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import type { PublicUser } from '@medianest/contracts';

export type User = typeof users.$inferSelect;

export function toPublicUser(u: User): PublicUser {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    role: u.role,
    enabled: u.enabled,
    plexUsername: u.plexUsername,
    thumb: u.thumb,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
  };
}

export class UsersRepository {
  constructor(private readonly database: Database) {}

  async findById(id: string): Promise<User | undefined> {
    const [row] = await this.database.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
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
    return row;
  }

  async recordLogin(id: string): Promise<void> {
    await this.database.db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, id));
  }
}
