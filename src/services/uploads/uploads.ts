// Uploads service: a signed-in user asks for a presigned upload, completes it (S3 flow), lists, reads and
// removes their own files; members read files shared in their rooms. Status changes reach the owner's devices.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { requireOrgId, requireUser } from '../../auth/principal'
import { normalizeText } from '../../hooks/normalize-text'
import { requireOrg } from '../../hooks/require-org'
import { uploadHandlers } from '../../uploads/lifecycle'
import { storageOf, uploadSettings } from '../../uploads/storage'
import { UploadService } from './uploads.class'
import {
  uploadDataValidator,
  uploadExternalResolver,
  uploadPatchValidator,
  uploadQueryValidator,
  uploadResolver
} from './uploads.schema'
import { uploadMethods, uploadPath } from './uploads.shared'

export * from './uploads.class'
export * from './uploads.schema'

// Files belong to a person: API keys (no user) are refused, and every external query sees only my files.
const onlyMine = async (context: HookContext) => {
  if (!context.params.provider) return
  const user = requireUser(context.params)
  const orgId = requireOrgId(context.params)
  if (context.method === 'get') return
  context.params.query = { ...context.params.query, owner_id: user.id, org_id: orgId }
}

export const upload = (app: Application) => {
  app.use(uploadPath, new UploadService(app), { methods: [...uploadMethods], events: [] })
  uploadHandlers(app)
  // A misconfigured store fails the start, not the first upload.
  if (uploadSettings(app).driver === 's3') storageOf(app)

  app.service(uploadPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(uploadExternalResolver), schemaHooks.resolveResult(uploadResolver)]
    },
    before: {
      all: [requireOrg, schemaHooks.validateQuery(uploadQueryValidator), onlyMine],
      create: [normalizeText({ filename: 'line' }), schemaHooks.validateData(uploadDataValidator)],
      patch: [schemaHooks.validateData(uploadPatchValidator)]
    },
    after: {
      // The completion announced itself (only when it changed something): no second, automatic event.
      patch: [
        async (context: HookContext) => {
          context.event = null
        }
      ]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [uploadPath]: UploadService
  }
}
