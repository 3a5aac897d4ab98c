// chatboard_send_message() also writes the outbox row a DM or a mention owes (notifications), in the same
// call and so the same transaction as the message: a crash right after the commit loses no notification.
// Otherwise the function is the one of 20261122160000 (down restores that one).
import type { Knex } from 'knex'
import { up as previous } from './20261122160000_send_message_function'

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function chatboard_send_message(
      p_room uuid, p_org uuid, p_sender uuid, p_body text, p_mentions uuid[],
      p_client_msg_id text, p_client_sent_at timestamptz
    ) returns setof messages language plpgsql volatile as $fn$
    declare
      v_seq bigint;
      v_kind text;
      v_dm_key text;
      v_peer uuid;
      v_row messages;
    begin
      -- Non-members (and rooms of other orgs) are refused before the room's lock is touched.
      perform 1 from room_members where room_id = p_room and user_id = p_sender and org_id = p_org;
      if not found then
        raise exception 'sender is not a member of room %', p_room using errcode = 'CB002';
      end if;
      update rooms set last_seq = last_seq + 1, last_message_at = now()
        where id = p_room and archived_at is null
        returning last_seq, kind, dm_key into v_seq, v_kind, v_dm_key;
      if v_seq is null then
        raise exception 'room % is archived', p_room using errcode = 'CB001';
      end if;
      -- A block by either person ends a DM (friendships keeps one row per pair).
      if v_kind = 'dm' then
        v_peer := case when split_part(v_dm_key, ':', 1)::uuid = p_sender
          then split_part(v_dm_key, ':', 2)::uuid else split_part(v_dm_key, ':', 1)::uuid end;
        perform 1 from friendships
          where status = 'blocked'
            and least(requester_id, addressee_id) = least(p_sender, v_peer)
            and greatest(requester_id, addressee_id) = greatest(p_sender, v_peer);
        if found then
          raise exception 'blocked' using errcode = 'CB003';
        end if;
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
      -- A DM or a mention owes notifications: the outbox row commits with the message, or neither does.
      if v_kind = 'dm' or cardinality(coalesce(p_mentions, '{}')) > 0 then
        insert into outbox (topic, org_id, payload)
          values ('messages.created', p_org, jsonb_build_object('message_id', v_row.id));
      end if;
      return next v_row;
    end
    $fn$
  `)
}

// Back to the function as 20261122160000 created it.
export async function down(knex: Knex): Promise<void> {
  await previous(knex)
}
