// Group commit: several sends in one statement, so one WAL flush commits them all. Under load PostgreSQL's
// send backends spent two thirds of their active time waiting on the WAL (IO:WALSync, LWLock:WALWrite in
// pg_stat_activity samples, bench/RESULTS.md). Each item is the usual chatboard_send_message call in its own
// subtransaction, so one refused item (not a member, archived, a retry) leaves the others; seqs stay gapless.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  // Items: [{ room, org, sender, body, mentions, client_msg_id, client_sent_at, session }] in the caller's
  // order, which must already be the lock order (by room; arrival order within a room). One row per item:
  // the stored message, or the SQLSTATE (and constraint) that refused it.
  await knex.raw(`
    create function chatboard_send_messages(p_items jsonb)
    returns table (idx int, room_kind text, error_code text, error_constraint text, msg messages)
    language plpgsql as $fn$
    declare
      v_item jsonb;
      v_at bigint;
      v_row messages;
    begin
      for v_item, v_at in select e.value, e.ordinality from jsonb_array_elements(p_items) with ordinality e loop
        idx := v_at - 1;
        begin
          if v_item->>'session' is null then
            select * into strict v_row from chatboard_send_message(
              (v_item->>'room')::uuid, (v_item->>'org')::uuid, (v_item->>'sender')::uuid, v_item->>'body',
              array(select jsonb_array_elements_text(v_item->'mentions'))::uuid[], v_item->>'client_msg_id',
              (v_item->>'client_sent_at')::timestamptz);
          else
            select * into strict v_row from chatboard_send_message(
              (v_item->>'room')::uuid, (v_item->>'org')::uuid, (v_item->>'sender')::uuid, v_item->>'body',
              array(select jsonb_array_elements_text(v_item->'mentions'))::uuid[], v_item->>'client_msg_id',
              (v_item->>'client_sent_at')::timestamptz, (v_item->>'session')::uuid);
          end if;
          select r.kind into room_kind from rooms r where r.id = v_row.room_id;
          msg := v_row;
          error_code := null;
          error_constraint := null;
        exception when others then
          get stacked diagnostics error_constraint = constraint_name;
          error_code := sqlstate;
          msg := null;
          room_kind := null;
        end;
        return next;
      end loop;
    end
    $fn$`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists chatboard_send_messages(jsonb)')
}
