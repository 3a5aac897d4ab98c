// Deny-by-default publishing: a service event goes only to the channels its publisher names, as one
// Socket.IO broadcast (encoded once; crosses processes through the Redis adapter).
import type { Application, HookContext } from '../declarations'

export type Publisher = (data: any, context: HookContext) => string[] | Promise<string[]>

export const publish = (
  app: Application,
  path: string,
  publishers: Record<string, Publisher>,
  // Optional: what subscribers get instead of the caller's view (e.g. without personal fields).
  shape?: (data: any) => any
) => {
  const service = app.service(path as any) as any
  for (const [event, publisher] of Object.entries(publishers)) {
    service.on(event, async (data: any, context: HookContext) => {
      const io = app.io
      if (!io) return
      const channels = (await publisher(data, context)).filter(Boolean)
      if (channels.length === 0) return
      // `dispatch` is the external view (resolveExternal); never the internal result with hidden fields.
      const dispatch = context.dispatch
      const external = Array.isArray(dispatch)
        ? dispatch.find((item: any) => item?.id === data?.id)
        : dispatch
      const payload = external ?? data
      io.to(channels).emit(`${path} ${event}`, shape ? shape(payload) : payload)
    })
  }
}
