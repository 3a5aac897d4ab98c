// Rooms (group and DM), members with read/delivery pointers, messages with a gapless per-room seq, edit history.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rooms', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.text('kind').notNullable()
    t.text('name').nullable()
    t.text('topic').nullable()
    t.uuid('created_by').nullable().references('users.id').onDelete('SET NULL')
    // "low-id:high-id" of a DM's two users; the unique index makes a second DM for a pair impossible.
    t.text('dm_key').nullable().unique()
    t.text('join_code').nullable().unique()
    // The room row is the seq counter: incrementing it under its row lock serializes senders per room.
    t.bigInteger('last_seq').notNullable().defaultTo(0)
    t.timestamp('last_message_at', { useTz: true }).nullable()
    t.integer('member_count').notNullable().defaultTo(0)
    t.timestamp('archived_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_id', 'updated_at'])
  })
  await knex.raw(`ALTER TABLE rooms ADD CONSTRAINT rooms_kind_check CHECK (kind IN ('group','dm'))`)

  // One row per member: read and delivery state are positions, never a row per message per member.
  await knex.schema.createTable('room_members', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('room_id').notNullable().references('rooms.id').onDelete('CASCADE')
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE')
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.text('role').notNullable().defaultTo('member')
    t.bigInteger('last_read_seq').notNullable().defaultTo(0)
    t.bigInteger('delivered_seq').notNullable().defaultTo(0)
    t.boolean('muted').notNullable().defaultTo(false)
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['room_id', 'user_id'])
    t.index(['user_id'])
  })
  await knex.raw(
    `ALTER TABLE room_members ADD CONSTRAINT room_members_role_check CHECK (role IN ('owner','admin','member'))`
  )

  await knex.schema.createTable('messages', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.uuid('room_id').notNullable().references('rooms.id').onDelete('CASCADE')
    t.bigInteger('seq').notNullable()
    t.uuid('sender_id').nullable().references('users.id').onDelete('SET NULL')
    t.text('body').notNullable()
    t.text('kind').notNullable().defaultTo('text')
    t.uuid('upload_id').nullable()
    t.specificType('mentions', 'uuid[]').notNullable().defaultTo('{}')
    t.text('client_msg_id').nullable()
    t.timestamp('client_sent_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('edited_at', { useTz: true }).nullable()
    t.timestamp('unsent_at', { useTz: true }).nullable()
    t.timestamp('deleted_at', { useTz: true }).nullable()
    // Any change bumps updated_at so an offline client can ask for "changed since".
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['room_id', 'seq'])
    t.index(['room_id', 'updated_at'])
  })
  await knex.raw(
    `ALTER TABLE messages ADD CONSTRAINT messages_kind_check CHECK (kind IN ('text','file','system'))`
  )
  // Idempotency: one message per sender and client_msg_id, whatever the retries.
  await knex.raw(
    'CREATE UNIQUE INDEX messages_sender_client_msg_unique ON messages (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL'
  )

  await knex.schema.createTable('message_versions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('message_id').notNullable().references('messages.id').onDelete('CASCADE')
    t.text('body').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable()
    t.index(['message_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['message_versions', 'messages', 'room_members', 'rooms'])
    await knex.schema.dropTableIfExists(table)
}
