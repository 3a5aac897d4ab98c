// Full-text search of messages: a tsvector per message in its org's language (triggers keep it), a GIN index.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  // Per org, any installed text search configuration ('simple', 'english', 'german', ...; regconfig refuses
  // others). No row means 'simple'. A table of its own so org rows (and their events) stay as they are.
  await knex.raw(`CREATE TABLE org_search_settings (
    org_id uuid PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
    language regconfig NOT NULL DEFAULT 'simple',
    updated_at timestamptz NOT NULL DEFAULT now())`)
  await knex.raw('ALTER TABLE messages ADD COLUMN search_vector tsvector NULL')

  // Null for what must never be found: unsent and deleted messages (their placeholder text included) and
  // system messages. An edit recomputes it from the new body, so earlier text is no longer found.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION chatboard_message_search_vector() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NEW.unsent_at IS NOT NULL OR NEW.deleted_at IS NOT NULL OR NEW.kind = 'system' THEN
        NEW.search_vector := NULL;
      ELSE
        NEW.search_vector := to_tsvector(
          coalesce((SELECT s.language FROM org_search_settings s WHERE s.org_id = NEW.org_id), 'simple'::regconfig),
          NEW.body);
      END IF;
      RETURN NEW;
    END
    $fn$`)
  await knex.raw(`
    CREATE TRIGGER messages_search_vector BEFORE INSERT OR UPDATE OF body, unsent_at, deleted_at, kind
    ON messages FOR EACH ROW EXECUTE FUNCTION chatboard_message_search_vector()`)

  // Changing an org's language re-indexes its messages in the same transaction, so a query (parsed in the
  // new language) never meets vectors of the old one. Rare, and proportional to the org's messages.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION chatboard_org_search_language() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'INSERT' AND NEW.language = 'simple'::regconfig THEN RETURN NULL; END IF;
      IF TG_OP = 'UPDATE' AND NEW.language = OLD.language THEN RETURN NULL; END IF;
      UPDATE messages SET search_vector = to_tsvector(NEW.language, body)
      WHERE org_id = NEW.org_id AND search_vector IS NOT NULL;
      RETURN NULL;
    END
    $fn$`)
  await knex.raw(`
    CREATE TRIGGER org_search_settings_language AFTER INSERT OR UPDATE OF language ON org_search_settings
    FOR EACH ROW EXECUTE FUNCTION chatboard_org_search_language()`)

  // Messages sent before this migration (every org starts with 'simple').
  await knex.raw(`
    UPDATE messages SET search_vector = to_tsvector('simple'::regconfig, body)
    WHERE unsent_at IS NULL AND deleted_at IS NULL AND kind <> 'system'`)
  await knex.raw('CREATE INDEX messages_search_vector_idx ON messages USING gin (search_vector)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS org_search_settings')
  await knex.raw('DROP FUNCTION IF EXISTS chatboard_org_search_language()')
  await knex.raw('DROP TRIGGER IF EXISTS messages_search_vector ON messages')
  await knex.raw('DROP FUNCTION IF EXISTS chatboard_message_search_vector()')
  await knex.raw('DROP INDEX IF EXISTS messages_search_vector_idx')
  await knex.raw('ALTER TABLE messages DROP COLUMN IF EXISTS search_vector')
}
