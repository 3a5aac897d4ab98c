// The local-disk driver (the default): objects are files under uploads.dir, and the app serves them itself
// through signed, expiring URLs (see signing.ts and middleware.ts). URLs are relative to the server's base URL.
import fs from 'node:fs'
import path from 'node:path'
import { sign } from './signing'
import type { PresignedUpload, StorageDriver, StoredFile } from './storage'

// Keys are `<org uuid>/<upload uuid>`, made by the server; anything else never reaches the disk.
const KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/

export const FILES_PATH = '/files'

export class LocalDriver implements StorageDriver {
  readonly name = 'local' as const

  constructor(
    readonly dir: string,
    private readonly secret: Buffer
  ) {}

  pathOf(key: string) {
    if (!KEY.test(key)) throw new Error(`not a storage key: ${key}`)
    return path.resolve(this.dir, key)
  }

  signedUrl(method: 'GET' | 'PUT', id: string, expires: number) {
    const query = new URLSearchParams({
      expires: String(expires),
      signature: sign(this.secret, method, id, expires)
    })
    return `${FILES_PATH}/${id}?${query}`
  }

  async uploadUrl(file: StoredFile, expires: number): Promise<PresignedUpload> {
    return {
      url: this.signedUrl('PUT', file.id, expires),
      method: 'PUT',
      headers: { 'content-type': file.content_type }
    }
  }

  async downloadUrl(file: StoredFile, expires: number) {
    return this.signedUrl('GET', file.id, expires)
  }

  async stat(key: string) {
    try {
      const stats = await fs.promises.stat(this.pathOf(key))
      return stats.isFile() ? { size: stats.size } : null
    } catch (error: any) {
      if (error?.code === 'ENOENT') return null
      throw error
    }
  }

  async head(key: string, bytes: number) {
    const handle = await fs.promises.open(this.pathOf(key), 'r')
    try {
      const buffer = Buffer.alloc(bytes)
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
      return buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  }

  async remove(key: string) {
    await fs.promises.rm(this.pathOf(key), { force: true })
  }
}
