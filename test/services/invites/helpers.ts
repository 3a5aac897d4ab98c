// Shared set-up for the invite suites: an org with one member per role, direct DB access for back-dating,
// and API keys inserted as rows (the api-keys service is tested on its own).
import crypto from 'node:crypto'
import { sharedServer } from '../../helpers/server'
import type { TestClient, Transport } from '../../helpers/clients'
import { addMember, clientFor, createOrg } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'

export const db = () => sharedServer().app.get('postgresqlClient')

export interface Staff {
  orgId: string
  ADMIN: Account
  MANAGER: Account
  MEMBER: Account
}

export const staffedOrg = async (url: string): Promise<Staff> => {
  const { admin, orgId } = await createOrg(url)
  const [manager, member] = await Promise.all([
    addMember(url, admin, 'MANAGER'),
    addMember(url, admin, 'MEMBER')
  ])
  return { orgId, ADMIN: admin, MANAGER: manager, MEMBER: member }
}

// Opens clients for one transport and closes them all at the end of the suite.
export const clientPool = (transport: Transport) => {
  const open: TestClient[] = []
  return {
    client: async (url: string, account: Account) => {
      const tc = await clientFor(url, transport, account)
      open.push(tc)
      return tc.client
    },
    track: (tc: TestClient) => open.push(tc),
    closeAll: () => open.splice(0).forEach((tc) => tc.close())
  }
}

export const createApiKey = async (orgId: string, scopes: string[]) => {
  const prefix = crypto
    .randomBytes(9)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, 12)
  const key = `cbk_${prefix}_${crypto.randomBytes(32).toString('base64url')}`
  const keyHash = crypto.createHash('sha256').update(key).digest('hex')
  await db()('api_keys').insert({ org_id: orgId, name: 'test key', prefix, key_hash: keyHash, scopes })
  return { 'x-api-key': key }
}

export const auditOf = (target: string, action: string) => db()('audit_logs').where({ target, action })

export const userRowsWithEmail = (email: string) =>
  db()('users').whereRaw('lower(email) = ?', [email.toLowerCase()])
