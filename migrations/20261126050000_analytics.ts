// Admin analytics: an index for per-day message counts, and two small tables kept by triggers for what the
// other tables do not remember (the day someone joined the org; the days someone read), so a report is SQL only.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  // Per-org, per-day scans of messages read only this index (sender, room and kind ride along).
  await knex.raw(
    'CREATE INDEX IF NOT EXISTS messages_org_created_analytics ON messages (org_id, created_at) INCLUDE (sender_id, room_id, kind)'
  )

  // users.org_id says which org, not since when: every time it is set, a join is recorded here.
  await knex.schema.createTable('analytics_member_joins', (t) => {
    t.bigIncrements('id').primary()
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE')
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_id', 'joined_at'])
  })
  await knex.raw(`
    CREATE FUNCTION analytics_record_join() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- API-key bots (users.kind = 'bot', when that column exists) are not members who joined.
      IF NEW.org_id IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.org_id IS DISTINCT FROM NEW.org_id)
         AND coalesce(to_jsonb(NEW) ->> 'kind', 'person') <> 'bot' THEN
        INSERT INTO analytics_member_joins (org_id, user_id) VALUES (NEW.org_id, NEW.id);
      END IF;
      RETURN NULL;
    END $$`)
  await knex.raw(`
    CREATE TRIGGER analytics_record_join AFTER INSERT OR UPDATE OF org_id ON users
    FOR EACH ROW EXECUTE FUNCTION analytics_record_join()`)
  // Members already there joined when their invite was accepted, or else when their account was created.
  await knex.raw(`
    INSERT INTO analytics_member_joins (org_id, user_id, joined_at)
    SELECT u.org_id, u.id, coalesce(
      (SELECT max(i.accepted_at) FROM invites i WHERE i.accepted_by = u.id AND i.org_id = u.org_id),
      u.created_at)
    FROM users u WHERE u.org_id IS NOT NULL AND coalesce(to_jsonb(u) ->> 'kind', 'person') <> 'bot'`)

  // A read pointer only remembers its latest move; the days someone read are recorded here (once a day).
  await knex.schema.createTable('analytics_active_days', (t) => {
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.date('day').notNullable()
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE')
    t.primary(['org_id', 'day', 'user_id'])
  })
  await knex.raw(`
    CREATE FUNCTION analytics_record_read() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO analytics_active_days (org_id, day, user_id)
      VALUES (NEW.org_id, (now() AT TIME ZONE 'UTC')::date, NEW.user_id)
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`)
  await knex.raw(`
    CREATE TRIGGER analytics_record_read AFTER UPDATE OF last_read_seq ON room_members
    FOR EACH ROW WHEN (NEW.last_read_seq > OLD.last_read_seq) EXECUTE FUNCTION analytics_record_read()`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS analytics_record_read ON room_members')
  await knex.raw('DROP FUNCTION IF EXISTS analytics_record_read()')
  await knex.schema.dropTableIfExists('analytics_active_days')
  await knex.raw('DROP TRIGGER IF EXISTS analytics_record_join ON users')
  await knex.raw('DROP FUNCTION IF EXISTS analytics_record_join()')
  await knex.schema.dropTableIfExists('analytics_member_joins')
  await knex.raw('DROP INDEX IF EXISTS messages_org_created_analytics')
}
