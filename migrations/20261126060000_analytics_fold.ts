// Analytics rollups leave the send path: the per-message triggers (three upserts per send, and one more for
// the sender's read pointer) are replaced by a fold that counts each room's new messages by seq in batches
// (src/services/analytics/fold.ts), and the read days are recorded by the receipts statement itself.
// Measured with pgbench on chatboard_send_message: +30% sends per second of PostgreSQL (bench/RESULTS.md).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  // Per room, the seq up to which its messages are in the rollups. Seqs commit in order per room (the room's
  // row lock is held until the send commits), so "up to rooms.last_seq" is always a complete prefix.
  await knex.schema.createTable('analytics_room_cursors', (t) => {
    t.uuid('room_id').primary().references('rooms.id').onDelete('CASCADE')
    t.bigInteger('counted_seq').notNullable()
  })
  // Everything sent so far was counted by the triggers.
  await knex.raw('INSERT INTO analytics_room_cursors (room_id, counted_seq) SELECT id, last_seq FROM rooms')
  await knex.raw('DROP TRIGGER IF EXISTS analytics_count_message ON messages')
  await knex.raw('DROP TRIGGER IF EXISTS analytics_record_read ON room_members')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TRIGGER analytics_count_message AFTER INSERT ON messages
    FOR EACH ROW WHEN (NEW.kind <> 'system' AND NEW.sender_id IS NOT NULL)
    EXECUTE FUNCTION analytics_count_message()`)
  await knex.raw(`
    CREATE TRIGGER analytics_record_read AFTER UPDATE OF last_read_seq ON room_members
    FOR EACH ROW WHEN (NEW.last_read_seq > OLD.last_read_seq) EXECUTE FUNCTION analytics_record_read()`)
  await knex.schema.dropTableIfExists('analytics_room_cursors')
}
