// A message's org is checked against its room, not the orgs row: every send's foreign-key check took a KEY SHARE
// lock on its org's one row, so sends of one org running at once made a MultiXact per send (20,496 in a 10 s
// pgbench of 23,676 sends; 0 after this change: bench/RESULTS.md, session 8). The room's row is already locked
// by the send itself (it takes the next seq), so checking (room_id, org_id) against rooms costs no new lock, and
// says more: a message's org is its room's org. Org deletion still cascades (orgs → rooms → messages).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE rooms ADD CONSTRAINT rooms_id_org_unique UNIQUE (id, org_id)')
  // NOT VALID, then VALIDATE: existing rows are checked without blocking writes to messages meanwhile.
  await knex.raw(`
    ALTER TABLE messages
      ADD CONSTRAINT messages_room_org_foreign FOREIGN KEY (room_id, org_id)
        REFERENCES rooms (id, org_id) ON DELETE CASCADE NOT VALID`)
  await knex.raw('ALTER TABLE messages VALIDATE CONSTRAINT messages_room_org_foreign')
  await knex.raw(
    'ALTER TABLE messages DROP CONSTRAINT messages_org_id_foreign, DROP CONSTRAINT messages_room_id_foreign'
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE messages
      ADD CONSTRAINT messages_org_id_foreign FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE,
      ADD CONSTRAINT messages_room_id_foreign FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE`)
  await knex.raw('ALTER TABLE messages DROP CONSTRAINT messages_room_org_foreign')
  await knex.raw('ALTER TABLE rooms DROP CONSTRAINT rooms_id_org_unique')
}
