// External create/patch/update take exactly one JSON object: arrays (multi-create), null and scalars are
// refused here so no schema validator ever sees a shape it would pass by accident (e.g. `[]`).
import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

export const requireObjectData = async (context: HookContext, next: NextFunction) => {
  const { provider } = context.params
  if (provider && ['create', 'patch', 'update'].includes(context.method)) {
    const data = context.data
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new BadRequest('The request body must be a JSON object', { code: 'validation_error' })
    }
  }
  await next()
}
