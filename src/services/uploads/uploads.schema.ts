// Upload schemas: the create request, the stored row as callers see it (never the storage key), the status patch.
import { resolve, virtual } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator } from '../../validators'
import { QueryDateTime, strictQuerySyntax } from '../../schemas/query'
import { signedDownload } from '../../uploads/urls'

const Uuid = Type.String({ format: 'uuid' })
const Timestamp = Type.Any({ description: 'ISO 8601 date-time (UTC)' })
export const UploadStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('uploaded'),
  Type.Literal('ready'),
  Type.Literal('rejected')
])

// What the owner's devices hear when the status changes (no URLs: they ask `get` for a fresh one).
export const uploadEventSchema = Type.Object(
  {
    id: Uuid,
    org_id: Uuid,
    owner_id: Uuid,
    filename: Type.String(),
    content_type: Type.String(),
    size: Type.Number(),
    status: UploadStatus,
    // Why a check rejected the file: missing, size_mismatch, type_mismatch.
    reason: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    completed_at: Timestamp,
    checked_at: Timestamp
  },
  { $id: 'UploadEvent', additionalProperties: false }
)

export const uploadSchema = Type.Object(
  {
    ...uploadEventSchema.properties,
    // Only in the create answer: where and how to PUT the bytes, until upload_expires_at.
    upload_url: Type.Optional(Type.String()),
    upload_method: Type.Optional(Type.Literal('PUT')),
    upload_headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    upload_expires_at: Type.Optional(Type.String({ format: 'date-time' })),
    // Ready uploads read by the owner (or a member of a room it was shared in): a short-lived download URL.
    download_url: Type.Optional(Type.String()),
    download_expires_at: Type.Optional(Type.String({ format: 'date-time' })),
    key: Type.Optional(Type.String())
  },
  { $id: 'Upload', additionalProperties: false }
)
export type Upload = Static<typeof uploadSchema>

// size is a bigint in the database (a string from pg), a number on the wire; the storage key stays inside.
export const uploadResolver = resolve<Upload, HookContext>({
  size: async (value) => Number(value)
})

export const uploadExternalResolver = resolve<Upload, HookContext>({
  key: async () => undefined,
  download_url: virtual(async (upload, context) => {
    if (upload.status !== 'ready' || !['find', 'get'].includes(context.method)) return undefined
    return (await signedDownload(context.app, upload as any)).url
  }),
  download_expires_at: virtual(async (upload, context) => {
    if (upload.status !== 'ready' || !['find', 'get'].includes(context.method)) return undefined
    return (await signedDownload(context.app, upload as any)).expires_at
  })
})

// Checked further by the service (type list, size limits, filename rules) for telling error codes.
export const uploadDataSchema = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    content_type: Type.String({ minLength: 1, maxLength: 255 }),
    size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
  },
  { $id: 'UploadData', additionalProperties: false }
)
export type UploadData = Static<typeof uploadDataSchema>
export const uploadDataValidator = getValidator(uploadDataSchema, dataValidator)

// The S3 flow's completion step: the client says the PUT succeeded; the check job takes it from there.
export const uploadPatchSchema = Type.Object(
  { status: Type.Literal('uploaded') },
  { $id: 'UploadPatch', additionalProperties: false }
)
export type UploadPatch = Static<typeof uploadPatchSchema>
export const uploadPatchValidator = getValidator(uploadPatchSchema, dataValidator)

export const uploadQueryProperties = Type.Object(
  {
    id: Uuid,
    status: UploadStatus,
    content_type: Type.String({ maxLength: 255 }),
    created_at: QueryDateTime
  },
  { additionalProperties: false }
)
export const uploadQuerySchema = strictQuerySyntax(uploadQueryProperties)
export type UploadQuery = Static<typeof uploadQuerySchema>
export const uploadQueryValidator = getValidator(uploadQuerySchema, queryValidator)
