// Bots: API keys act as a user of kind `bot` of their org (no email, no password, no org role), one per key.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'person'`)
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_kind_check CHECK (kind IN ('person','bot'))`)
  // A bot has no way to log in and no org role: the database itself keeps it so, whatever a service does.
  await knex.raw('ALTER TABLE users ALTER COLUMN email DROP NOT NULL')
  await knex.raw('ALTER TABLE users ALTER COLUMN role DROP NOT NULL')
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_bot_shape_check CHECK (
       (kind = 'person' AND email IS NOT NULL AND role IS NOT NULL)
       OR (kind = 'bot' AND email IS NULL AND role IS NULL AND password IS NULL
           AND google_id IS NULL AND oidc_id IS NULL))`
  )
  await knex.raw(
    'ALTER TABLE api_keys ADD COLUMN bot_user_id uuid NULL REFERENCES users(id) ON DELETE SET NULL'
  )
  await knex.raw('CREATE UNIQUE INDEX api_keys_bot_user_unique ON api_keys (bot_user_id)')

  // Keys issued before bots existed get one each, named after the key (usernames from the key's id).
  const keys = await knex('api_keys').select('id', 'org_id', 'name').whereNull('bot_user_id')
  for (const key of keys) {
    const [bot] = await knex('users')
      .insert({
        org_id: key.org_id,
        kind: 'bot',
        email: null,
        role: null,
        username: `bot-${String(key.id).replace(/-/g, '').slice(0, 16)}`,
        name: String(key.name).slice(0, 80),
        email_verified: false
      })
      .returning('id')
    await knex('notification_preferences').insert({
      user_id: bot.id,
      level: 'nothing',
      email: false,
      push: false
    })
    await knex('api_keys').where({ id: key.id }).update({ bot_user_id: bot.id })
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS api_keys_bot_user_unique')
  await knex.raw('ALTER TABLE api_keys DROP COLUMN IF EXISTS bot_user_id')
  await knex('users').where({ kind: 'bot' }).del()
  await knex.raw('ALTER TABLE users DROP CONSTRAINT IF EXISTS users_bot_shape_check')
  await knex.raw('ALTER TABLE users ALTER COLUMN role SET NOT NULL')
  await knex.raw('ALTER TABLE users ALTER COLUMN email SET NOT NULL')
  await knex.raw('ALTER TABLE users DROP CONSTRAINT IF EXISTS users_kind_check')
  await knex.raw('ALTER TABLE users DROP COLUMN IF EXISTS kind')
}
