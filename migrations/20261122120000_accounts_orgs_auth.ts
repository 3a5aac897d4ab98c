// Accounts, organizations, invites, sessions with rotating refresh tokens, API keys and the audit log.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orgs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.text('name').notNullable()
    t.text('slug').notNullable().unique()
    t.integer('retention_days').notNullable().defaultTo(90)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').nullable().references('orgs.id').onDelete('SET NULL')
    t.text('email').notNullable()
    t.text('username').notNullable()
    t.text('name').notNullable()
    t.text('password').nullable()
    t.text('avatar_url').nullable()
    t.text('bio').nullable()
    t.text('role').notNullable().defaultTo('MEMBER')
    t.text('status').notNullable().defaultTo('active')
    t.boolean('email_verified').notNullable().defaultTo(false)
    t.text('google_id').nullable().unique()
    t.text('oidc_id').nullable().unique()
    t.timestamp('last_seen_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_id'])
  })
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('ADMIN','MANAGER','MEMBER'))`
  )
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active','suspended','banned'))`
  )
  // Emails and usernames are unique regardless of case.
  await knex.raw('CREATE UNIQUE INDEX users_email_lower_unique ON users (lower(email))')
  await knex.raw('CREATE UNIQUE INDEX users_username_lower_unique ON users (lower(username))')

  await knex.schema.createTable('invites', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.text('email').notNullable()
    t.text('role').notNullable()
    t.text('token_hash').notNullable().unique()
    t.uuid('invited_by').nullable().references('users.id').onDelete('SET NULL')
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.timestamp('accepted_at', { useTz: true }).nullable()
    t.uuid('accepted_by').nullable().references('users.id').onDelete('SET NULL')
    t.timestamp('revoked_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_id', 'created_at'])
  })
  await knex.raw(
    `ALTER TABLE invites ADD CONSTRAINT invites_role_check CHECK (role IN ('ADMIN','MANAGER','MEMBER'))`
  )

  // A session is one refresh-token family: every rotation stays in it, so re-use can revoke it whole.
  await knex.schema.createTable('auth_sessions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE')
    t.text('strategy').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('revoked_at', { useTz: true }).nullable()
    t.text('revoked_reason').nullable()
    t.index(['user_id'])
  })
  await knex.schema.createTable('refresh_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('session_id').notNullable().references('auth_sessions.id').onDelete('CASCADE')
    t.text('token_hash').notNullable().unique()
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.timestamp('used_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['session_id'])
  })

  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.text('name').notNullable()
    t.text('prefix').notNullable().unique()
    t.text('key_hash').notNullable()
    t.specificType('scopes', 'text[]').notNullable()
    t.uuid('created_by').nullable().references('users.id').onDelete('SET NULL')
    t.timestamp('last_used_at', { useTz: true }).nullable()
    t.timestamp('revoked_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_id'])
  })

  await knex.schema.createTable('audit_logs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').nullable().references('orgs.id').onDelete('CASCADE')
    t.uuid('actor_id').nullable()
    t.text('action').notNullable()
    t.text('target').nullable()
    t.jsonb('meta').notNullable().defaultTo('{}')
    t.text('ip').nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_id', 'created_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_logs',
    'api_keys',
    'refresh_tokens',
    'auth_sessions',
    'invites',
    'users',
    'orgs'
  ]) {
    await knex.schema.dropTableIfExists(table)
  }
}
