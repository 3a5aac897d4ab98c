// VAPID keys identify this server to browsers' push services. Configured ones (VAPID_PUBLIC_KEY and
// VAPID_PRIVATE_KEY) win; without them a pair is generated once and kept in the database (push_vapid_keys), so
// every process and every restart signs with the same key and existing browser subscriptions stay valid.
// Production should configure its own pair (`npx web-push generate-vapid-keys`): the generated private key is
// readable by anyone who can read the database.
import webpush from 'web-push'
import type { Application } from '../declarations'

export interface VapidKeys {
  publicKey: string
  privateKey: string
  subject: string
}

// Half a configured pair is a mistake to report at start, not at the first push.
export const assertVapidConfig = (app: Application) => {
  const { vapidPublicKey, vapidPrivateKey } = app.get('notifications').push
  if (!!vapidPublicKey !== !!vapidPrivateKey) {
    throw new Error('Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (notifications.push), or neither')
  }
}

const load = async (app: Application): Promise<VapidKeys> => {
  const { vapidPublicKey, vapidPrivateKey, vapidSubject } = app.get('notifications').push
  if (vapidPublicKey && vapidPrivateKey) {
    return { publicKey: vapidPublicKey, privateKey: vapidPrivateKey, subject: vapidSubject }
  }
  const db = app.get('postgresqlClient')
  let row = await db('push_vapid_keys').where({ id: 1 }).first()
  if (!row) {
    const generated = webpush.generateVAPIDKeys()
    // Two processes generating at once: the first insert wins and both read it back.
    await db('push_vapid_keys')
      .insert({ id: 1, public_key: generated.publicKey, private_key: generated.privateKey })
      .onConflict('id')
      .ignore()
    row = await db('push_vapid_keys').where({ id: 1 }).first()
  }
  return { publicKey: row.public_key, privateKey: row.private_key, subject: vapidSubject }
}

const cache = new WeakMap<Application, Promise<VapidKeys>>()

export const vapidKeysOf = (app: Application): Promise<VapidKeys> => {
  let keys = cache.get(app)
  if (!keys) {
    keys = load(app)
    cache.set(app, keys)
    keys.catch(() => cache.delete(app))
  }
  return keys
}
