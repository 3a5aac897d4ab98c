// Uploads (presigned, then checked by a job), the per-org size overrides, and the link of messages to uploads.
// message_uploads is written by MessageService.create in the send's transaction (lock order: uploads FOR SHARE,
// then the room row inside chatboard_send_message, then the message), so a message never half-carries files.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('uploads', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.uuid('owner_id').notNullable().references('users.id').onDelete('CASCADE')
    t.text('filename').notNullable()
    t.text('content_type').notNullable()
    t.bigInteger('size').notNullable()
    // pending: URL issued; uploaded: the bytes arrived (or the client said so); ready/rejected: checked.
    t.text('status').notNullable().defaultTo('pending')
    t.text('reason').nullable()
    // The storage key (`<org_id>/<id>`): never taken from the client.
    t.text('key').notNullable().unique()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('completed_at', { useTz: true }).nullable()
    t.timestamp('checked_at', { useTz: true }).nullable()
    t.index(['owner_id', 'created_at'])
    // The cleanup job's scan: old rows of a status.
    t.index(['status', 'created_at'])
  })
  await knex.raw(
    `ALTER TABLE uploads ADD CONSTRAINT uploads_status_check CHECK (status IN ('pending','uploaded','ready','rejected'))`
  )
  await knex.raw(`ALTER TABLE uploads ADD CONSTRAINT uploads_size_check CHECK (size > 0)`)

  // Per-org overrides of the default maximum sizes: { "<content type>": bytes }, 0 forbids the type.
  await knex.schema.alterTable('orgs', (t) => {
    t.jsonb('upload_limits').nullable()
  })

  // A message's files, in the order the sender gave them. uploads.remove refuses an upload in use; a deleted
  // account (or org) takes its uploads and these links with it.
  await knex.schema.createTable('message_uploads', (t) => {
    t.uuid('message_id').notNullable().references('messages.id').onDelete('CASCADE')
    t.uuid('upload_id').notNullable().references('uploads.id').onDelete('CASCADE')
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.smallint('position').notNullable()
    t.primary(['message_id', 'upload_id'])
    t.index(['upload_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('message_uploads')
  await knex.schema.alterTable('orgs', (t) => {
    t.dropColumn('upload_limits')
  })
  await knex.schema.dropTableIfExists('uploads')
}
