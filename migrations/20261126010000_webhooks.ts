// Webhooks: registered targets, their deliveries (the webhook outbox) and the triggers that write a delivery row
// for every subscribed active webhook IN THE SAME TRANSACTION as the change (messages, members, invites, rooms),
// so a rolled-back change sends nothing and a committed one is never lost. An org without webhooks pays one
// index probe per changed row (the partial index webhooks_org_active).
import type { Knex } from 'knex'

// Row -> event data. Only public fields: never password hashes, token hashes or join codes.
const FUNCTION = `
create or replace function chatboard_webhook_event() returns trigger language plpgsql as $fn$
declare
  v_row record;
  v_type text;
  v_data jsonb;
begin
  if tg_op = 'DELETE' then v_row := old; else v_row := new; end if;
  -- The cheap exit first: most orgs have no webhook at all.
  if not exists (select 1 from webhooks w where w.org_id = v_row.org_id and w.active) then
    return null;
  end if;
  if tg_table_name = 'messages' then
    if tg_op = 'INSERT' then
      v_type := 'message.created';
    elsif (old.unsent_at is null and new.unsent_at is not null) or (old.deleted_at is null and new.deleted_at is not null) then
      v_type := 'message.deleted';
    elsif old.body is distinct from new.body and new.unsent_at is null and new.deleted_at is null then
      v_type := 'message.updated';
    else
      return null;
    end if;
    v_data := jsonb_build_object('message', jsonb_build_object(
      'id', new.id, 'org_id', new.org_id, 'room_id', new.room_id, 'seq', new.seq, 'sender_id', new.sender_id,
      'body', case when v_type = 'message.deleted' then null else new.body end,
      'kind', new.kind, 'mentions', to_jsonb(new.mentions), 'client_msg_id', new.client_msg_id,
      'created_at', new.created_at, 'edited_at', new.edited_at, 'unsent_at', new.unsent_at,
      'deleted_at', new.deleted_at));
  elsif tg_table_name = 'room_members' then
    v_type := case when tg_op = 'INSERT' then 'member.joined' else 'member.left' end;
    v_data := jsonb_build_object('member', jsonb_build_object(
      'id', v_row.id, 'room_id', v_row.room_id, 'user_id', v_row.user_id, 'role', v_row.role,
      'joined_at', v_row.joined_at));
  elsif tg_table_name = 'invites' then
    v_type := 'member.invited';
    v_data := jsonb_build_object('invite', jsonb_build_object(
      'id', new.id, 'email', new.email, 'role', new.role, 'invited_by', new.invited_by,
      'expires_at', new.expires_at, 'created_at', new.created_at));
  elsif tg_table_name = 'rooms' then
    v_type := case when tg_op = 'INSERT' then 'room.created' else 'room.updated' end;
    v_data := jsonb_build_object('room', jsonb_build_object(
      'id', new.id, 'org_id', new.org_id, 'kind', new.kind, 'name', new.name, 'topic', new.topic,
      'created_by', new.created_by, 'archived_at', new.archived_at, 'created_at', new.created_at));
  else
    return null;
  end if;
  perform chatboard_webhook_enqueue(v_row.org_id, v_type, v_data);
  return null;
end
$fn$`

// One event id for the change, one delivery row per subscribed active webhook.
const ENQUEUE = `
create or replace function chatboard_webhook_enqueue(p_org uuid, p_type text, p_data jsonb)
returns void language sql volatile as $fn$
  insert into webhook_deliveries (webhook_id, org_id, event_id, event_type, data, event_created_at)
  select w.id, p_org, e.id, p_type, p_data, now()
  from (select gen_random_uuid() as id) e, webhooks w
  where w.org_id = p_org and w.active and p_type = any(w.events)
    -- An org being deleted cascades into members: its webhooks go too, so nothing is owed (and the org row is gone).
    and exists (select 1 from orgs o where o.id = p_org)
$fn$`

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.text('url').notNullable()
    t.text('description').notNullable().defaultTo('')
    t.specificType('events', 'text[]').notNullable()
    t.boolean('active').notNullable().defaultTo(true)
    // Stored in clear: signing needs it. Never returned except right after create or a rotation.
    t.text('secret').notNullable()
    // After a rotation the old secret still signs (a second v1) until previous_secret_expires_at.
    t.text('previous_secret').nullable()
    t.timestamp('previous_secret_expires_at', { useTz: true }).nullable()
    // Dead deliveries since the last success; reaching webhooks.disableAfterDeadDeliveries disables it.
    t.integer('dead_streak').notNullable().defaultTo(0)
    t.text('disabled_reason').nullable()
    t.uuid('created_by').nullable().references('users.id').onDelete('SET NULL')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_id', 'created_at'])
  })
  await knex.raw('CREATE INDEX webhooks_org_active ON webhooks (org_id) WHERE active')

  await knex.schema.createTable('webhook_deliveries', (t) => {
    // The delivery id (header ChatBoard-Delivery); event_id is the event's, shared by every webhook's copy.
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('webhook_id').notNullable().references('webhooks.id').onDelete('CASCADE')
    t.uuid('org_id').notNullable().references('orgs.id').onDelete('CASCADE')
    t.uuid('event_id').notNullable()
    t.text('event_type').notNullable()
    t.jsonb('data').notNullable().defaultTo('{}')
    t.timestamp('event_created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    // pending (never tried) -> sent | failed (retry due at next_attempt_at) -> ... -> dead (given up).
    t.text('status').notNullable().defaultTo('pending')
    t.integer('attempts').notNullable().defaultTo(0)
    // Due time; while a worker holds it, its lease (so a killed worker's delivery is retried elsewhere).
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    // Retries stop (dead) once now() passes retry_from + webhooks.retryForMs; a redelivery restarts it.
    t.timestamp('retry_from', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('last_attempt_at', { useTz: true }).nullable()
    t.integer('response_code').nullable()
    t.text('last_error').nullable()
    t.timestamp('delivered_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['webhook_id', 'created_at'])
    t.index(['org_id', 'created_at'])
  })
  await knex.raw(
    `ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
     CHECK (status IN ('pending','sent','failed','dead'))`
  )
  await knex.raw(
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
     WHERE status IN ('pending','failed')`
  )

  await knex.raw(ENQUEUE)
  await knex.raw(FUNCTION)
  await knex.raw(`create trigger webhook_messages_insert after insert on messages
    for each row execute function chatboard_webhook_event()`)
  await knex.raw(`create trigger webhook_messages_update after update of body, unsent_at, deleted_at on messages
    for each row when (old.body is distinct from new.body or old.unsent_at is distinct from new.unsent_at
      or old.deleted_at is distinct from new.deleted_at)
    execute function chatboard_webhook_event()`)
  await knex.raw(`create trigger webhook_members_change after insert or delete on room_members
    for each row execute function chatboard_webhook_event()`)
  await knex.raw(`create trigger webhook_invites_insert after insert on invites
    for each row execute function chatboard_webhook_event()`)
  await knex.raw(`create trigger webhook_rooms_insert after insert on rooms
    for each row execute function chatboard_webhook_event()`)
  await knex.raw(`create trigger webhook_rooms_update after update of name, topic, archived_at on rooms
    for each row when (old.name is distinct from new.name or old.topic is distinct from new.topic
      or old.archived_at is distinct from new.archived_at)
    execute function chatboard_webhook_event()`)

  // The org's ADMINs are told when a webhook is disabled for failing.
  await knex.raw('ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_type_check')
  await knex.raw(
    `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check
     CHECK (type IN ('mention','dm','room_invite','friend_request','friend_accepted','webhook_disabled'))`
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from notifications where type = 'webhook_disabled'`)
  await knex.raw('ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_type_check')
  await knex.raw(
    `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check
     CHECK (type IN ('mention','dm','room_invite','friend_request','friend_accepted'))`
  )
  for (const [name, table] of [
    ['webhook_messages_insert', 'messages'],
    ['webhook_messages_update', 'messages'],
    ['webhook_members_change', 'room_members'],
    ['webhook_invites_insert', 'invites'],
    ['webhook_rooms_insert', 'rooms'],
    ['webhook_rooms_update', 'rooms']
  ]) {
    await knex.raw(`drop trigger if exists ${name} on ${table}`)
  }
  await knex.raw('drop function if exists chatboard_webhook_event()')
  await knex.raw('drop function if exists chatboard_webhook_enqueue(uuid, text, jsonb)')
  await knex.schema.dropTableIfExists('webhook_deliveries')
  await knex.schema.dropTableIfExists('webhooks')
}
