// The storage driver interface and the one driver per app (config uploads.driver: 'local' default, or 's3').
import type { Application } from '../declarations'
import { signingKey } from './signing'
import { LocalDriver } from './local'
import type { S3Driver } from './s3'

export interface StoredFile {
  id: string
  key: string
  filename: string
  content_type: string
  size: number | string
}

export interface PresignedUpload {
  url: string
  method: 'PUT'
  // Headers the client must send with the PUT (they are part of the signature for S3).
  headers: Record<string, string>
}

export interface StorageDriver {
  readonly name: 'local' | 's3'
  uploadUrl(file: StoredFile, expires: number): Promise<PresignedUpload>
  downloadUrl(file: StoredFile, expires: number): Promise<string>
  // The stored object's size, or null when there is none.
  stat(key: string): Promise<{ size: number } | null>
  // Up to `bytes` first bytes of the object.
  head(key: string, bytes: number): Promise<Buffer>
  // Idempotent: removing a missing object is not an error.
  remove(key: string): Promise<void>
}

export interface UploadSettings {
  driver: 'local' | 's3'
  dir: string
  secret: string
  uploadUrlTtlSeconds: number
  downloadUrlTtlSeconds: number
  pendingMaxAgeSeconds: number
  cleanupIntervalMs: number
  maxBytes: { image: number; video: number; audio: number; document: number }
  s3: {
    endpoint: string
    bucket: string
    region: string
    accessKeyId: string
    secretAccessKey: string
    forcePathStyle: boolean
  }
}

export const uploadSettings = (app: Application): UploadSettings => app.get('uploads' as any)

const drivers = new WeakMap<Application, StorageDriver>()

export const uploadSigningKey = (app: Application) =>
  signingKey(uploadSettings(app).secret, app.get('authentication')!.secret as string)

export const storageOf = (app: Application): StorageDriver => {
  let driver = drivers.get(app)
  if (!driver) {
    const settings = uploadSettings(app)
    if (settings.driver === 's3') {
      if (!settings.s3.bucket) throw new Error('uploads.driver is s3 but S3_BUCKET is not set')
      // The AWS SDK loads only when S3 is used: it costs start time and memory the local default does not need.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { S3Driver: Driver } = require('./s3') as { S3Driver: typeof S3Driver }
      driver = new Driver(settings.s3)
    } else {
      driver = new LocalDriver(settings.dir, uploadSigningKey(app))
    }
    drivers.set(app, driver)
  }
  return driver
}
