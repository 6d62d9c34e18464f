// ORMs' node-postgres adapters on an edgepg Pool: Kysely's PostgresDialect and Drizzle's node-postgres driver run a
// create / insert / select / update / delete flow against the real PostgreSQL.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { drizzle } from 'drizzle-orm/node-postgres'
import { pgTable, serial, text, integer, timestamp, jsonb } from 'drizzle-orm/pg-core'
import { eq, gt } from 'drizzle-orm'
import { Pool } from 'edgepg'
import { getServices, clientConfig } from '../support/env.js'

let svc
before(async () => {
  svc = await getServices()
})

test('Kysely PostgresDialect on an edgepg Pool', async () => {
  const db = new Kysely({ dialect: new PostgresDialect({ pool: new Pool({ ...clientConfig(svc), max: 3 }) }) })
  await db.schema.dropTable('k_person').ifExists().execute()
  await db.schema.createTable('k_person')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('age', 'integer')
    .addColumn('created', 'timestamptz', (c) => c.defaultTo(sql`now()`))
    .execute()
  const inserted = await db.insertInto('k_person').values([{ name: 'Ada', age: 36 }, { name: 'Grace', age: 45 }]).returning(['id', 'name']).execute()
  assert.deepEqual(inserted.map((r) => r.name), ['Ada', 'Grace'])
  const older = await db.selectFrom('k_person').select(['name', 'age', 'created']).where('age', '>', 40).execute()
  assert.deepEqual(older.map((r) => [r.name, r.age]), [['Grace', 45]])
  assert.ok(older[0].created instanceof Date)
  const upd = await db.updateTable('k_person').set({ age: 37 }).where('name', '=', 'Ada').executeTakeFirst()
  assert.equal(upd.numUpdatedRows, 1n)
  const del = await db.deleteFrom('k_person').where('name', '=', 'Grace').executeTakeFirst()
  assert.equal(del.numDeletedRows, 1n)
  const left = await db.selectFrom('k_person').selectAll().execute()
  assert.deepEqual(left.map((r) => [r.name, r.age]), [['Ada', 37]])
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('k_person').values({ name: 'Linus', age: 1 }).execute()
  })
  await assert.rejects(db.transaction().execute(async (trx) => {
    await trx.insertInto('k_person').values({ name: 'Rolled back', age: 2 }).execute()
    throw new Error('abort')
  }))
  assert.equal((await db.selectFrom('k_person').select(sql`count(*)::int`.as('n')).executeTakeFirst()).n, 2)
  await db.schema.dropTable('k_person').execute()
  await db.destroy()
})

const people = pgTable('d_person', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  age: integer('age'),
  created: timestamp('created', { withTimezone: true }).defaultNow(),
  meta: jsonb('meta'),
})

test('Drizzle node-postgres driver on an edgepg Pool', async () => {
  const pool = new Pool({ ...clientConfig(svc), max: 3 })
  const db = drizzle(pool)
  await db.execute('drop table if exists d_person')
  await db.execute('create table d_person (id serial primary key, name text not null, age integer, created timestamptz default now(), meta jsonb)')
  const inserted = await db.insert(people).values([{ name: 'Ada', age: 36, meta: { langs: ['en'] } }, { name: 'Grace', age: 45 }]).returning()
  assert.deepEqual(inserted.map((r) => r.name), ['Ada', 'Grace'])
  assert.ok(inserted[0].created instanceof Date, 'drizzle maps timestamptz from the raw text our per-query parsers hand it')
  assert.ok(Math.abs(inserted[0].created.getTime() - Date.now()) < 60_000)
  assert.deepEqual(inserted[0].meta, { langs: ['en'] })
  const older = await db.select({ name: people.name, age: people.age }).from(people).where(gt(people.age, 40))
  assert.deepEqual(older, [{ name: 'Grace', age: 45 }])
  await db.update(people).set({ age: 37 }).where(eq(people.name, 'Ada'))
  await db.delete(people).where(eq(people.name, 'Grace'))
  const left = await db.select().from(people)
  assert.deepEqual(left.map((r) => [r.name, r.age]), [['Ada', 37]])
  await db.transaction(async (tx) => {
    await tx.insert(people).values({ name: 'Linus' })
  })
  assert.equal((await db.select().from(people)).length, 2)
  await db.execute('drop table d_person')
  await pool.end()
})
