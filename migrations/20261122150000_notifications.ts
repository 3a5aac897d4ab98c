// Notifications (in-app, with email/push bookkeeping), per-user and per-room preferences, pending email digests,
// web push subscriptions and generated VAPID keys, and the dev mailbox used when no SMTP server is configured.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE')
    t.text('type').notNullable()
    t.uuid('actor_id').nullable().references('users.id').onDelete('SET NULL')
    t.uuid('room_id').nullable().references('rooms.id').onDelete('CASCADE')
    // A purged (retention) or deleted message takes its notifications with it.
    t.uuid('message_id').nullable().references('messages.id').onDelete('CASCADE')
    t.bigInteger('message_seq').nullable()
    // No foreign key: when a request is cancelled the trigger deletes its notification and announces that
    // (a cascade would delete it silently, leaving the user's other devices showing it).
    t.uuid('friendship_id').nullable()
    t.jsonb('payload').notNullable().defaultTo('{}')
    t.timestamp('read_at', { useTz: true }).nullable()
    t.timestamp('emailed_at', { useTz: true }).nullable()
    t.timestamp('pushed_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['message_id'])
    t.index(['friendship_id'])
  })
  await knex.raw(
    `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check
     CHECK (type IN ('mention','dm','room_invite','friend_request','friend_accepted'))`
  )
  // Listing newest first, the unread count, and marking a room's notifications read when its pointer moves.
  await knex.raw(
    'CREATE INDEX notifications_user_created ON notifications (user_id, created_at DESC, id DESC)'
  )
  await knex.raw(
    'CREATE INDEX notifications_user_unread ON notifications (user_id, room_id) WHERE read_at IS NULL'
  )
  // One notification per message and user, however often a trigger runs.
  await knex.raw(
    'CREATE UNIQUE INDEX notifications_user_message_unique ON notifications (user_id, message_id) WHERE message_id IS NOT NULL'
  )

  // One row without room_id per user (their defaults) and at most one per room they override.
  await knex.schema.createTable('notification_preferences', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE')
    t.uuid('room_id').nullable().references('rooms.id').onDelete('CASCADE')
    t.text('level').notNullable()
    // Delivery channels are per user only (null on room rows).
    t.boolean('email').nullable()
    t.boolean('push').nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.raw(
    `ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_level_check
     CHECK (level IN ('all','mentions','nothing'))`
  )
  await knex.raw(
    `ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_channels_check
     CHECK ((room_id IS NULL AND email IS NOT NULL AND push IS NOT NULL) OR (room_id IS NOT NULL AND email IS NULL AND push IS NULL))`
  )
  await knex.raw(
    'CREATE UNIQUE INDEX notification_preferences_user_default ON notification_preferences (user_id) WHERE room_id IS NULL'
  )
  await knex.raw(
    'CREATE UNIQUE INDEX notification_preferences_user_room ON notification_preferences (user_id, room_id) WHERE room_id IS NOT NULL'
  )

  // A user's email digest state: `pending` while a digest job is scheduled, so there is one per user. The row
  // stays once created (flag flips, no insert/delete churn per digest).
  await knex.schema.createTable('notification_digests', (t) => {
    t.uuid('user_id').primary().references('users.id').onDelete('CASCADE')
    t.boolean('pending').notNullable().defaultTo(false)
    t.timestamp('due_at', { useTz: true }).notNullable()
  })

  await knex.schema.createTable('push_subscriptions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE')
    // A browser profile has one endpoint; re-subscribing it under another account moves it there.
    t.text('endpoint').notNullable().unique()
    t.text('p256dh').notNullable()
    t.text('auth').notNullable()
    t.text('user_agent').nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('last_success_at', { useTz: true }).nullable()
    t.index(['user_id'])
  })

  // The VAPID key pair generated once when none is configured (single row).
  await knex.schema.createTable('push_vapid_keys', (t) => {
    t.smallint('id').primary()
    t.text('public_key').notNullable()
    t.text('private_key').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.raw('ALTER TABLE push_vapid_keys ADD CONSTRAINT push_vapid_keys_single CHECK (id = 1)')

  await knex.schema.createTable('dev_mailbox', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('user_id').nullable().references('users.id').onDelete('CASCADE')
    t.text('to_address').notNullable()
    t.text('from_address').notNullable()
    t.text('subject').notNullable()
    t.text('text').notNullable()
    t.text('html').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['user_id', 'created_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'dev_mailbox',
    'push_vapid_keys',
    'push_subscriptions',
    'notification_digests',
    'notification_preferences',
    'notifications'
  ]) {
    await knex.schema.dropTableIfExists(table)
  }
}
