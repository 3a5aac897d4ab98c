// Download URLs handed out to readers: one signing per upload and call, with the short configured expiry.
import type { Application } from '../declarations'
import { storageOf, uploadSettings } from './storage'
import type { StoredFile } from './storage'

export interface SignedDownload {
  url: string
  expires_at: string
}

const cache = new WeakMap<object, Promise<SignedDownload>>()

// Memoized per row object, so the resolver's two fields (url, expiry) share one signature.
export const signedDownload = (app: Application, file: StoredFile): Promise<SignedDownload> => {
  let pending = cache.get(file)
  if (!pending) {
    const expires = Math.floor(Date.now() / 1000) + uploadSettings(app).downloadUrlTtlSeconds
    pending = storageOf(app)
      .downloadUrl(file, expires)
      .then((url) => ({ url, expires_at: new Date(expires * 1000).toISOString() }))
    cache.set(file, pending)
  }
  return pending
}
