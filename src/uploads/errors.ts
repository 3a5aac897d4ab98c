// Upload refusals with their stable codes (the Feathers error classes, per src/errors.ts conventions).
import { BadRequest, Conflict, Forbidden } from '@feathersjs/errors'

export const badUpload = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  new BadRequest(message, { code, ...extra })

export const conflict = (message: string, code: string) => new Conflict(message, { code })

export const forbidden = (message: string, code: string) => new Forbidden(message, { code })
