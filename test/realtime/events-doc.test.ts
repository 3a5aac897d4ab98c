// docs/events.md is generated from the event catalogue (npm run docs:events): the committed file must be exactly
// what the generator writes today, so a catalogue change without a regenerated document fails here.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { events, wireName } from '../../src/realtime/events'
import { EVENTS_DOC_PATH, renderEventsDoc } from '../../src/scripts/events-doc'

describe('docs/events.md', () => {
  it('is what `npm run docs:events` generates from src/realtime/events.ts', () => {
    assert.equal(
      readFileSync(EVENTS_DOC_PATH, 'utf8'),
      renderEventsDoc(),
      'docs/events.md is stale: run `npm run docs:events` and commit the result'
    )
  })

  it('has a section per catalogue entry with its audience and a row for every payload field', () => {
    const sections = renderEventsDoc()
      .split(/\n(?=## )/)
      .slice(1)
    assert.equal(sections.length, Object.keys(events).length)
    for (const [i, [key, spec]] of Object.entries(events).entries()) {
      const section = sections[i]
      assert.ok(section.startsWith(`## \`${wireName(key)}\``), `section ${i} is not ${key}`)
      assert.ok(section.includes(`**Audience:** ${spec.audience}`), `${key}: audience`)
      const schema: any = spec.schema.type === 'array' ? spec.schema.items : spec.schema
      for (const field of Object.keys(schema.properties))
        assert.match(section, new RegExp(`^\\| \`${field}\` \\|`, 'm'), `${key}: no row for ${field}`)
    }
  })
})
