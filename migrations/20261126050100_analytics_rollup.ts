// Admin analytics from daily rollups kept by a trigger on message insert: messages per (org, UTC day, room) and
// per (org, UTC day, sender), and the sender marked active that day, so a report reads a few thousand rollup
// rows instead of scanning a million messages (bench/analytics.ts).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  // Sent is sent: deleting, unsending or expiring a message later does not take it out of the history, so no
  // foreign keys to rooms or users (a removed room keeps its counts; reports join what still exists for names).
  await knex.schema.createTable('analytics_room_days', (t) => {
    t.uuid('org_id').notNullable()
    t.date('day').notNullable()
    t.uuid('room_id').notNullable()
    t.integer('messages').notNullable().defaultTo(0)
    t.primary(['org_id', 'day', 'room_id'])
  })
  await knex.schema.createTable('analytics_sender_days', (t) => {
    t.uuid('org_id').notNullable()
    t.date('day').notNullable()
    t.uuid('sender_id').notNullable()
    t.integer('messages').notNullable().defaultTo(0)
    t.primary(['org_id', 'day', 'sender_id'])
  })
  // Row locks taken by the increments: the room's row is already serialized by the room row (the seq counter);
  // the sender's row only by that sender's own concurrent sends. Nothing org-wide, so sends do not queue.
  await knex.raw(`
    CREATE FUNCTION analytics_count_message() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      today date := (NEW.created_at AT TIME ZONE 'UTC')::date;
    BEGIN
      INSERT INTO analytics_room_days (org_id, day, room_id, messages) VALUES (NEW.org_id, today, NEW.room_id, 1)
      ON CONFLICT (org_id, day, room_id) DO UPDATE SET messages = analytics_room_days.messages + 1;
      INSERT INTO analytics_sender_days (org_id, day, sender_id, messages) VALUES (NEW.org_id, today, NEW.sender_id, 1)
      ON CONFLICT (org_id, day, sender_id) DO UPDATE SET messages = analytics_sender_days.messages + 1;
      INSERT INTO analytics_active_days (org_id, day, user_id) VALUES (NEW.org_id, today, NEW.sender_id)
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`)
  // System messages are the server's (joins, renames), not anyone's: not counted.
  await knex.raw(`
    CREATE TRIGGER analytics_count_message AFTER INSERT ON messages
    FOR EACH ROW WHEN (NEW.kind <> 'system' AND NEW.sender_id IS NOT NULL)
    EXECUTE FUNCTION analytics_count_message()`)
  await backfill(knex)
  // Reports no longer scan messages by date: the index would only slow every send down.
  await knex.raw('DROP INDEX IF EXISTS messages_org_created_analytics')
}

// The rollups of the messages already stored (also used by bench/analytics.ts after a trigger-less seed).
export const backfill = async (knex: Knex) => {
  const sent = `FROM messages WHERE kind <> 'system' AND sender_id IS NOT NULL`
  const day = `(created_at AT TIME ZONE 'UTC')::date`
  await knex.raw(`INSERT INTO analytics_room_days (org_id, day, room_id, messages)
    SELECT org_id, ${day}, room_id, count(*) ${sent} GROUP BY 1, 2, 3`)
  await knex.raw(`INSERT INTO analytics_sender_days (org_id, day, sender_id, messages)
    SELECT org_id, ${day}, sender_id, count(*) ${sent} GROUP BY 1, 2, 3`)
  await knex.raw(`INSERT INTO analytics_active_days (org_id, day, user_id)
    SELECT DISTINCT m.org_id, (m.created_at AT TIME ZONE 'UTC')::date, m.sender_id
    FROM messages m JOIN users u ON u.id = m.sender_id
    WHERE m.kind <> 'system' ON CONFLICT DO NOTHING`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'CREATE INDEX IF NOT EXISTS messages_org_created_analytics ON messages (org_id, created_at) INCLUDE (sender_id, room_id, kind)'
  )
  await knex.raw('DROP TRIGGER IF EXISTS analytics_count_message ON messages')
  await knex.raw('DROP FUNCTION IF EXISTS analytics_count_message()')
  await knex.schema.dropTableIfExists('analytics_sender_days')
  await knex.schema.dropTableIfExists('analytics_room_days')
}
