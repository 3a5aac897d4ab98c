// The outbox: work that must follow a committed change (notifications now, webhooks later) is written here in
// the same transaction as the change, and drained by the job runtime afterwards, so a crash loses nothing.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id').primary()
    // What happened, e.g. `messages.created`; src/outbox/handlers.ts maps each topic to its work.
    t.text('topic').notNullable()
    t.uuid('org_id').nullable()
    t.jsonb('payload').notNullable().defaultTo('{}')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    // Due time: now for new rows; a lease while a drainer works on it; a backoff after a failed attempt.
    t.timestamp('available_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.integer('attempts').notNullable().defaultTo(0)
    t.text('last_error').nullable()
    // Given up after outbox.maxAttempts: kept for the operator (and metrics), never drained again.
    t.timestamp('dead_at', { useTz: true }).nullable()
  })
  await knex.raw('CREATE INDEX outbox_due ON outbox (available_at, id) WHERE dead_at IS NULL')
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('outbox')
}
