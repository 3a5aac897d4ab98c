// A socket login reads the user's room ids in its session check (one round trip instead of two): the
// authentication service asks for them, the JWT strategy remembers them per connection, and the channels
// hook joins them. Any other login (REST, password, a strategy that did not read them) reads them itself.
const ASK = Symbol.for('chatboard.loginRooms')
const found = new WeakMap<object, { userId: string; rooms: string[] }>()

// Also forgets what an earlier login on the connection left (one that failed after its strategy ran).
export const askForRooms = <P extends { connection?: unknown }>(params: P): P => {
  if (!params.connection || typeof params.connection !== 'object') return params
  found.delete(params.connection)
  return { ...params, [ASK]: true }
}

// Only askForRooms sets the flag, and only with a connection to remember the rooms for.
export const roomsAsked = (params: any): boolean => Boolean(params?.[ASK])

export const rememberRooms = (params: any, userId: string, rooms: string[]) => {
  found.set(params.connection, { userId, rooms })
}

// Once: a later login on the same connection reads its own.
export const takeRooms = (connection: unknown, userId: string): string[] | undefined => {
  if (!connection || typeof connection !== 'object') return undefined
  const entry = found.get(connection)
  found.delete(connection)
  return entry?.userId === userId ? entry.rooms : undefined
}
