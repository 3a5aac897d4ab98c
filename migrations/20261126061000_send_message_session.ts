// Socket sends check their session inside the send call: chatboard_send_message with a session id first checks
// that the session is live and its account active and still in the org, then sends (one statement instead of
// an authentication query plus the send; see src/auth/socket-sessions.ts).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function chatboard_send_message(
      p_room uuid, p_org uuid, p_sender uuid, p_body text, p_mentions uuid[], p_client_msg_id text,
      p_client_sent_at timestamptz, p_session uuid
    ) returns setof messages language plpgsql as $fn$
    begin
      perform 1 from auth_sessions s join users u on u.id = s.user_id
        where s.id = p_session and s.user_id = p_sender and s.revoked_at is null
          and u.status = 'active' and u.org_id = p_org;
      if not found then
        raise exception 'session % of % is no longer valid for org %', p_session, p_sender, p_org
          using errcode = 'CB004';
      end if;
      return query select * from chatboard_send_message(
        p_room, p_org, p_sender, p_body, p_mentions, p_client_msg_id, p_client_sent_at);
    end
    $fn$`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'drop function if exists chatboard_send_message(uuid, uuid, uuid, text, uuid[], text, timestamptz, uuid)'
  )
}
