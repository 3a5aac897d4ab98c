// The local driver's file endpoint, `/files/<upload id>?expires=..&signature=..`: PUT streams the body to disk
// (never more than the declared size), GET serves a ready file. Registered before the body parser so the raw
// body streams; with the S3 driver it answers 404 (URLs point at the store instead).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { MethodNotAllowed } from '@feathersjs/errors'
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'
import { notFound } from '../errors'
import { consume } from '../rate-limits'
import { badUpload, forbidden } from './errors'
import { markUploaded, requirePending } from './lifecycle'
import type { LocalDriver } from './local'
import { FILES_PATH } from './local'
import { verify } from './signing'
import type { SignedMethod } from './signing'
import { storageOf, uploadSettings, uploadSigningKey } from './storage'
import { contentDisposition, isInlineType } from './types'

const ROUTE = new RegExp(`^${FILES_PATH}/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

const checkSignature = (app: Application, ctx: any, method: SignedMethod, id: string) => {
  const verdict = verify(
    uploadSigningKey(app),
    method,
    id,
    Number(ctx.query.expires),
    String(ctx.query.signature ?? '')
  )
  if (verdict === 'expired') throw forbidden('This link has expired', 'url_expired')
  if (verdict !== 'ok') throw forbidden('This link is not valid', 'invalid_signature')
}

// Streams the request body into `file`, failing as soon as more than `max` bytes arrived. The request is
// paused, not destroyed, on failure: the answer still goes out (with Connection: close, so the rest is dropped).
const receive = (req: NodeJS.ReadableStream, file: fs.WriteStream, max: number) =>
  new Promise<void>((resolve, reject) => {
    let seen = 0
    let failed = false
    const fail = (error: unknown) => {
      if (failed) return
      failed = true
      req.pause()
      file.destroy()
      reject(error)
    }
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      seen += chunk.length
      if (seen > max)
        return fail(badUpload(`The file is larger than the declared ${max} bytes`, 'file_too_large'))
      if (!file.write(chunk)) {
        req.pause()
        file.once('drain', () => req.resume())
      }
    })
    req.on('end', () => {
      if (failed) return
      if (seen !== max) return fail(badUpload(`Expected ${max} bytes, received ${seen}`, 'size_mismatch'))
      file.end(() => resolve())
    })
    req.on('error', fail)
    file.on('error', fail)
  })

const put = async (app: Application, ctx: any, id: string) => {
  checkSignature(app, ctx, 'PUT', id)
  const db = app.get('postgresqlClient')
  const row = await db('uploads').where({ id }).first()
  if (!row) throw notFound('Upload not found')
  requirePending(row)
  const size = Number(row.size)
  const declared = ctx.get('content-length')
  if (declared && Number(declared) > size)
    throw badUpload(`The file is larger than ${size} bytes`, 'file_too_large')
  if (declared && Number(declared) !== size) throw badUpload(`Expected ${size} bytes`, 'size_mismatch')
  const type = ctx.get('content-type').split(';')[0].trim().toLowerCase()
  if (type !== row.content_type)
    throw badUpload(`Send Content-Type ${row.content_type}`, 'content_type_mismatch')

  const driver = storageOf(app) as LocalDriver
  const target = driver.pathOf(row.key)
  await fs.promises.mkdir(path.dirname(target), { recursive: true })
  const part = `${target}.${crypto.randomBytes(6).toString('hex')}.part`
  try {
    try {
      await receive(ctx.req, fs.createWriteStream(part, { flags: 'wx' }), size)
    } catch (error) {
      // The rest of the body is not read: the connection closes after the answer.
      ctx.set('Connection', 'close')
      throw error
    }
    const { row: done, changed } = await markUploaded(app, { id }, () => fs.promises.rename(part, target))
    if (!changed) requirePending(done)
    ctx.status = 200
    ctx.body = { id, status: 'uploaded' }
  } finally {
    await fs.promises.rm(part, { force: true })
  }
}

const get = async (app: Application, ctx: any, id: string) => {
  checkSignature(app, ctx, 'GET', id)
  const row = await app.get('postgresqlClient')('uploads').where({ id, status: 'ready' }).first()
  if (!row) throw notFound('File not found')
  const driver = storageOf(app) as LocalDriver
  const file = driver.pathOf(row.key)
  const stat = await driver.stat(row.key)
  if (!stat) throw notFound('File not found')
  ctx.status = 200
  ctx.type = row.content_type
  ctx.length = stat.size
  ctx.set(
    'Content-Disposition',
    contentDisposition(isInlineType(row.content_type) ? 'inline' : 'attachment', row.filename)
  )
  ctx.set('X-Content-Type-Options', 'nosniff')
  // A file is shown, never run: no scripts, no plugins, whatever a browser makes of it.
  ctx.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
  const left = Math.max(0, Number(ctx.query.expires) - Math.floor(Date.now() / 1000))
  ctx.set('Cache-Control', `private, max-age=${left}`)
  // HEAD answers the headers only (Koa sends no body for it; an unread stream would hold a descriptor).
  if (ctx.method !== 'HEAD') ctx.body = fs.createReadStream(file)
}

export const uploadFiles =
  (app: Application): Middleware =>
  async (ctx, next) => {
    const match = ROUTE.exec(ctx.path)
    if (!match) return next()
    // A signed URL answers without a login, so its budget is the address's (Koa's ctx.ip follows trustProxy).
    await consume(app.get('limiters').files, ctx.ip || 'unknown', 'file requests from this address')
    if (uploadSettings(app).driver !== 'local') throw notFound()
    if (ctx.method === 'PUT') return put(app, ctx, match[1])
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return get(app, ctx, match[1])
    throw new MethodNotAllowed('Use PUT to upload or GET to download', { code: 'method_not_allowed' })
  }
