// Friendships (one row per pair of users, with who blocked) and the indexes behind user search.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('friendships', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    // The org both users were in at the last change; visibility is decided by the users' current org.
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.uuid('requester_id').notNullable().references('users.id').onDelete('CASCADE')
    t.uuid('addressee_id').notNullable().references('users.id').onDelete('CASCADE')
    t.text('status').notNullable().defaultTo('pending')
    // Everyone of the pair who blocks the other: both may, and one unblocking leaves the other's block standing.
    t.specificType('blocked_by', 'uuid[]').notNullable().defaultTo('{}')
    t.timestamp('accepted_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['requester_id'])
    t.index(['addressee_id'])
  })
  await knex.raw(
    `ALTER TABLE friendships ADD CONSTRAINT friendships_status_check
     CHECK (status IN ('pending','accepted','rejected','blocked'))`
  )
  await knex.raw(
    'ALTER TABLE friendships ADD CONSTRAINT friendships_not_self CHECK (requester_id <> addressee_id)'
  )
  await knex.raw(
    `ALTER TABLE friendships ADD CONSTRAINT friendships_blocked_by_check
     CHECK ((status = 'blocked') = (cardinality(blocked_by) > 0))`
  )
  // One row per unordered pair: A->B and B->A are the same relationship (a unique index decides races).
  await knex.raw(
    `CREATE UNIQUE INDEX friendships_pair_unique
     ON friendships (least(requester_id, addressee_id), greatest(requester_id, addressee_id))`
  )

  // User search: username prefixes (the unique index on lower(username) cannot serve LIKE outside the C
  // collation) and word prefixes of names through a full-text index with prefix queries ('ann':*).
  await knex.raw('CREATE INDEX users_username_prefix ON users (lower(username) text_pattern_ops)')
  await knex.raw(`CREATE INDEX users_name_words ON users USING gin (to_tsvector('simple', name))`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS users_name_words')
  await knex.raw('DROP INDEX IF EXISTS users_username_prefix')
  await knex.schema.dropTableIfExists('friendships')
}
