// Set-up shared by the api-keys and audit-logs suites: an org with one account per role, and API keys
// created through the real api-keys service by the org's ADMIN.
import type { TestClient, Transport } from '../../helpers/clients'
import { addMember, api, bearer, clientFor, createOrg } from '../../helpers/fixtures'
import type { Account } from '../../helpers/fixtures'

export interface Staff {
  orgId: string
  ADMIN: Account
  MANAGER: Account
  MEMBER: Account
}

export const staffedOrg = async (url: string): Promise<Staff> => {
  const { admin, orgId } = await createOrg(url)
  const manager = await addMember(url, admin, 'MANAGER')
  const member = await addMember(url, admin, 'MEMBER')
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
    closeAll: () => open.splice(0).forEach((tc) => tc.close())
  }
}

// Creates a key over REST as the given ADMIN; returns the create response (with the plaintext `key`).
export const newKey = async (url: string, admin: Account, scopes: string[], name = 'script') => {
  const res = await api(url, 'POST', '/api-keys', { name, scopes }, bearer(admin.accessToken))
  if (res.status !== 201) throw new Error(`api key create failed: ${JSON.stringify(res.body)}`)
  return res.body as { id: string; key: string; prefix: string; [field: string]: unknown }
}

export const withKey = (key: string) => ({ 'x-api-key': key })

// All audit rows of the admin's org for one action and target, read through the API as that ADMIN.
export const auditRows = async (url: string, admin: Account, action: string, target: string) => {
  const query = new URLSearchParams({ action, target, $limit: '100' })
  const res = await api(url, 'GET', `/audit-logs?${query}`, undefined, bearer(admin.accessToken))
  if (res.status !== 200) throw new Error(`audit-logs find failed: ${JSON.stringify(res.body)}`)
  return res.body.data as any[]
}
