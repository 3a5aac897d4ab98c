// Files of messages: checked and linked in the send's transaction (attach), and read back once per call for all
// messages of a page with fresh short-lived download URLs (attachmentsOfCall).
import type { Knex } from 'knex'
import type { HookContext } from '../../declarations'
import { notFound } from '../../errors'
import { badUpload } from '../../uploads/errors'
import { signedDownload } from '../../uploads/urls'
import type { Attachment } from './messages.schema'

// Locks the sender's uploads (FOR SHARE: a concurrent remove waits, a concurrent send does not) before
// chatboard_send_message takes the room's row lock. Another person's upload, another org's or an unknown id
// answers 404 alike; one not checked yet or rejected answers 400 upload_not_ready.
export const lockUploads = async (trx: Knex.Transaction, ids: string[], senderId: string, orgId: string) => {
  const rows = await trx('uploads')
    .whereIn('id', ids)
    .where({ owner_id: senderId, org_id: orgId })
    .forShare()
    .select('id', 'status')
  const found = new Map(rows.map((row: any) => [row.id, row.status]))
  const missing = ids.find((id) => !found.has(id))
  if (missing) throw notFound(`Upload ${missing} not found`)
  const unready = ids.find((id) => found.get(id) !== 'ready')
  if (unready) {
    throw badUpload(`Upload ${unready} is ${found.get(unready)}, not ready`, 'upload_not_ready', {
      upload_id: unready,
      status: found.get(unready)
    })
  }
}

// Links the message to its files and marks it `file` (upload_id names the first), in the same transaction.
export const attach = async (trx: Knex.Transaction, message: any, ids: string[]) => {
  await trx('message_uploads').insert(
    ids.map((upload_id, position) => ({
      message_id: message.id,
      upload_id,
      org_id: message.org_id,
      position
    }))
  )
  const [row] = await trx('messages')
    .where({ id: message.id })
    .update({ kind: 'file', upload_id: ids[0] })
    .returning('*')
  return row
}

const calls = new WeakMap<HookContext, Promise<Map<string, Attachment[]>>>()

// One query per call for every file message of the result.
export const attachmentsOfCall = (context: HookContext) => {
  let pending = calls.get(context)
  if (!pending) {
    const result = context.result
    const items: any[] = Array.isArray(result) ? result : Array.isArray(result?.data) ? result.data : [result]
    const ids = items.filter((m) => m?.kind === 'file').map((m) => m.id)
    pending = (async () => {
      const byMessage = new Map<string, Attachment[]>()
      if (ids.length === 0) return byMessage
      const rows = await context.app
        .get('postgresqlClient')('message_uploads as mu')
        .join('uploads as u', 'u.id', 'mu.upload_id')
        .whereIn('mu.message_id', ids)
        .orderBy(['mu.message_id', 'mu.position'])
        .select('mu.message_id', 'u.id', 'u.key', 'u.filename', 'u.content_type', 'u.size')
      for (const row of rows) {
        const signed = await signedDownload(context.app, row)
        const list = byMessage.get(row.message_id) ?? []
        list.push({
          id: row.id,
          filename: row.filename,
          content_type: row.content_type,
          size: Number(row.size),
          url: signed.url,
          url_expires_at: signed.expires_at
        })
        byMessage.set(row.message_id, list)
      }
      return byMessage
    })()
    calls.set(context, pending)
  }
  return pending
}
