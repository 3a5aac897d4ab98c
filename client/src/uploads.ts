// Attaching files: create the upload, PUT the bytes with progress (XHR: fetch has no upload progress), wait for ready.
import { client } from './api'

export interface Attaching {
  key: string
  filename: string
  progress: number
  status: 'uploading' | 'checking' | 'ready' | 'failed'
  id?: string
  error?: string
}

const put = (url: string, headers: Record<string, string>, file: File, onProgress: (p: number) => void) =>
  new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    // A local-driver URL is relative to the server, an S3 one is absolute: both resolve against our origin.
    xhr.open('PUT', new URL(url, window.location.origin).toString())
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`Upload failed (${xhr.status})`))
    xhr.onerror = () => reject(new Error('Upload failed (network)'))
    xhr.send(file)
  })

type Status = { id: string; status: string; reason?: string | null }

// Ready is announced as `uploads patched`; a get after subscribing covers an event that came before it.
const whenChecked = (id: string) =>
  new Promise<Status>((resolve) => {
    const uploads = client.service('uploads')
    let done = false
    const finish = (u: Status) => {
      if (done || u.id !== id || (u.status !== 'ready' && u.status !== 'rejected')) return
      done = true
      uploads.removeListener('patched', finish as any)
      resolve(u)
    }
    uploads.on('patched', finish as any)
    uploads
      .get(id)
      .then((u) => finish(u as Status))
      .catch(() => {})
  })

export const uploadFile = async (file: File, onProgress: (p: number) => void, onChecking: () => void) => {
  const created = (await client.service('uploads').create({
    filename: file.name,
    content_type: file.type || 'application/octet-stream',
    size: file.size
  })) as Status & { upload_url?: string; upload_headers?: Record<string, string> }
  if (!created.upload_url) throw new Error('The server gave no upload URL')
  await put(created.upload_url, created.upload_headers ?? {}, file, onProgress)
  onChecking()
  // The local store completes on PUT; the S3 flow needs the completion call (already completed: fine).
  const now = (await client.service('uploads').get(created.id)) as Status
  if (now.status === 'pending') {
    await client
      .service('uploads')
      .patch(created.id, { status: 'uploaded' })
      .catch(() => {})
  }
  const checked = await whenChecked(created.id)
  if (checked.status !== 'ready') throw new Error(`File refused (${checked.reason ?? 'check failed'})`)
  return created.id
}
