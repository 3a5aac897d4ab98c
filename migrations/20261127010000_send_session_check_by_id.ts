// A socket send's session check reads its user by primary key only. With `u.org_id = p_org` in the join, a plan
// made without column statistics (PGlite never analyzes; nor does a PostgreSQL with autovacuum off, until
// someone runs ANALYZE) read the org's users through users_org_id_index: every user of the org on every send
// (8.5 M index tuples in a 30 s bench run of 500 users, bench/RESULTS.md session 11). The org is compared after.
import type { Knex } from 'knex'
import { up as previous } from './20261126061000_send_message_session'

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function chatboard_send_message(
      p_room uuid, p_org uuid, p_sender uuid, p_body text, p_mentions uuid[], p_client_msg_id text,
      p_client_sent_at timestamptz, p_session uuid
    ) returns setof messages language plpgsql as $fn$
    declare
      v_status text;
      v_org uuid;
    begin
      select u.status, u.org_id into v_status, v_org
        from auth_sessions s join users u on u.id = s.user_id
        where s.id = p_session and s.user_id = p_sender and s.revoked_at is null;
      if not found or v_status is distinct from 'active' or v_org is distinct from p_org then
        raise exception 'session % of % is no longer valid for org %', p_session, p_sender, p_org
          using errcode = 'CB004';
      end if;
      return query select * from chatboard_send_message(
        p_room, p_org, p_sender, p_body, p_mentions, p_client_msg_id, p_client_sent_at);
    end
    $fn$`)
}

// Back to the check of 20261126061000 (create, not create or replace: drop it first).
export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'drop function if exists chatboard_send_message(uuid, uuid, uuid, text, uuid[], text, timestamptz, uuid)'
  )
  await previous(knex)
}
