// The S3-compatible driver: presigned PUT/GET through @aws-sdk/s3-request-presigner. Checksums only when an
// operation requires them: a presigned PUT carrying a checksum header the client does not send fails on S3.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { PresignedUpload, StorageDriver, StoredFile, UploadSettings } from './storage'
import { contentDisposition, isInlineType } from './types'

const secondsUntil = (expires: number) => Math.max(1, expires - Math.floor(Date.now() / 1000))

export class S3Driver implements StorageDriver {
  readonly name = 's3' as const
  readonly client: S3Client
  private readonly bucket: string

  constructor(settings: UploadSettings['s3']) {
    this.bucket = settings.bucket
    this.client = new S3Client({
      endpoint: settings.endpoint || undefined,
      region: settings.region || 'us-east-1',
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.accessKeyId
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED'
    })
  }

  async uploadUrl(file: StoredFile, expires: number): Promise<PresignedUpload> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: file.key,
      ContentType: file.content_type,
      ContentLength: Number(file.size)
    })
    const url = await getSignedUrl(this.client, command, {
      expiresIn: secondsUntil(expires),
      signableHeaders: new Set(['content-type'])
    })
    return { url, method: 'PUT', headers: { 'content-type': file.content_type } }
  }

  async downloadUrl(file: StoredFile, expires: number) {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: file.key,
      ResponseContentType: file.content_type,
      ResponseContentDisposition: contentDisposition(
        isInlineType(file.content_type) ? 'inline' : 'attachment',
        file.filename
      )
    })
    return getSignedUrl(this.client, command, { expiresIn: secondsUntil(expires) })
  }

  async stat(key: string) {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return { size: Number(head.ContentLength ?? 0) }
    } catch (error: any) {
      if (error?.name === 'NotFound' || error?.$metadata?.httpStatusCode === 404) return null
      throw error
    }
  }

  async head(key: string, bytes: number) {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${bytes - 1}` })
    )
    const body = Buffer.from((await object.Body?.transformToByteArray()) ?? [])
    return body.subarray(0, bytes)
  }

  async remove(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
  }
}
