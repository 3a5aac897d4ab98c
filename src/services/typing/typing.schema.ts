// Typing schemas: "I am typing in this room" (or "I stopped"); nothing is stored, the event expires by itself.
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator } from '../../validators'

const Uuid = Type.String({ format: 'uuid' })

export const typingDataSchema = Type.Object(
  {
    room_id: Uuid,
    stopped: Type.Optional(Type.Literal(true))
  },
  { $id: 'TypingData', additionalProperties: false }
)
export type TypingData = Static<typeof typingDataSchema>
export const typingDataValidator = getValidator(typingDataSchema, dataValidator)

// What the caller gets back and what the room's members receive as `typing created`. Clients treat the
// indicator as gone after expires_at (or at once when `stopped`); a new call refreshes it.
export const typingSchema = Type.Object(
  {
    room_id: Uuid,
    user_id: Uuid,
    expires_at: Type.String({ format: 'date-time' }),
    stopped: Type.Optional(Type.Literal(true))
  },
  { $id: 'Typing', additionalProperties: false }
)
export type Typing = Static<typeof typingSchema>
