// The message columns a record read from the database is made of: the schema's stored (not computed) properties.
import { messageExternalResolver, messageResolver, messageSchema } from './messages.schema'

// Not `*`: the search vector (about as long as the body again) would be read, parsed and dropped for every row.
const computed = new Set<string>([...messageResolver.virtualNames, ...messageExternalResolver.virtualNames])

export const storedMessageColumns: readonly string[] = Object.keys(messageSchema.properties).filter(
  (name) => !computed.has(name)
)
