// chatboard_send_message(): the whole send (next seq under the room lock, insert, sender's pointers) in one
// database call instead of five round trips. Each statement inside takes a fresh snapshot, so a kick or an
// archive that committed while this send waited for the room's lock is seen, and refused, before anything
// is written (any error rolls the whole call back: no seq is used up).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function chatboard_send_message(
      p_room uuid, p_org uuid, p_sender uuid, p_body text, p_mentions uuid[],
      p_client_msg_id text, p_client_sent_at timestamptz
    ) returns setof messages language plpgsql volatile as $fn$
    declare
      v_seq bigint;
      v_row messages;
    begin
      update rooms set last_seq = last_seq + 1, last_message_at = now()
        where id = p_room and archived_at is null
        returning last_seq into v_seq;
      if v_seq is null then
        raise exception 'room % is archived', p_room using errcode = 'CB001';
      end if;
      -- Sending means the sender has seen the room up to here; no row means they were removed meanwhile.
      update room_members
        set last_read_seq = greatest(last_read_seq, v_seq), delivered_seq = greatest(delivered_seq, v_seq)
        where room_id = p_room and user_id = p_sender;
      if not found then
        raise exception 'sender is not a member of room %', p_room using errcode = 'CB002';
      end if;
      insert into messages (org_id, room_id, seq, sender_id, body, mentions, client_msg_id, client_sent_at)
        values (p_org, p_room, v_seq, p_sender, p_body, coalesce(p_mentions, '{}'), p_client_msg_id, p_client_sent_at)
        returning * into v_row;
      return next v_row;
    end
    $fn$
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists chatboard_send_message(uuid, uuid, uuid, text, uuid[], text, timestamptz)')
}
