// A DM is unique per pair of users within an org, not across orgs: two people who both move to another org
// open a new DM there (their old one stays with the org it belongs to).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rooms', (t) => {
    t.dropUnique(['dm_key'])
    t.unique(['org_id', 'dm_key'], { indexName: 'rooms_org_dm_key_unique' })
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rooms', (t) => {
    t.dropUnique(['org_id', 'dm_key'], 'rooms_org_dm_key_unique')
    t.unique(['dm_key'])
  })
}
