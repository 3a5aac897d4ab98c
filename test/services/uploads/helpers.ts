// Set-up shared by the uploads suites: file bodies of each type, the PUT a client makes to a presigned URL,
// and waiting for an upload's status through the owner's live events.
import { clientFor } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'
import type { TestClient, Transport } from '../../helpers/clients'
import { record } from '../../helpers/events'

const pad = (head: Buffer | string, size: number) => {
  const start = typeof head === 'string' ? Buffer.from(head, 'latin1') : head
  return Buffer.concat([start, Buffer.alloc(Math.max(0, size - start.length), 7)]).subarray(0, size)
}

export const bodies = {
  png: (size = 64) => pad(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), size),
  jpeg: (size = 64) => pad(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), size),
  gif: (size = 64) => pad('GIF89a', size),
  pdf: (size = 64) => pad('%PDF-1.7\n', size),
  docx: (size = 64) => pad(Buffer.from([0x50, 0x4b, 0x03, 0x04]), size),
  mp3: (size = 64) => pad('ID3\u0004', size),
  mp3Frame: (size = 64) => pad(Buffer.from([0xff, 0xfb, 0x90, 0x64]), size),
  wav: (size = 64) => pad('RIFF\u0024\u0000\u0000\u0000WAVEfmt ', size),
  mp4: (size = 64) => pad('\u0000\u0000\u0000\u0018ftypmp42', size)
}

// The client's upload step: PUT the bytes to the URL with the headers the create answer named.
export const putFile = (base: string, upload: any, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(new URL(upload.upload_url, base), {
    method: upload.upload_method,
    headers: { ...upload.upload_headers, ...headers },
    body: new Uint8Array(body)
  })

export const absolute = (base: string, url: string) => new URL(url, base).toString()

// A socket client of the account recording `uploads patched`; closed by `closeAll`.
export const devices = () => {
  const open: TestClient[] = []
  return {
    live: async (url: string, account: Account) => {
      const tc = await clientFor(url, 'socketio', account)
      open.push(tc)
      return { client: tc.client, events: record(tc.client, ['uploads'], ['patched']) }
    },
    client: async (url: string, account: Account, transport: Transport) => {
      const tc = await clientFor(url, transport, account)
      open.push(tc)
      return tc.client
    },
    closeAll: () => open.splice(0).forEach((tc) => tc.close())
  }
}

export const statusEvent = (id: string, status: string) => (r: { data: any }) =>
  r.data.id === id && r.data.status === status
