// Test data through the public API only: users register, log in and create orgs like real clients do.
import crypto from 'node:crypto'
import { connect } from './clients'
import type { TestClient, Transport } from './clients'

export const uniq = (prefix = 'u') => `${prefix}${crypto.randomBytes(5).toString('hex')}`

export interface Account {
  id: string
  email: string
  username: string
  password: string
  accessToken: string
  refreshToken: string
  org_id: string | null
  role: string
}

export const api = async (
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  let json: any = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = text
  }
  return { status: res.status, body: json, headers: res.headers }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export const register = async (url: string, extra: Record<string, unknown> = {}): Promise<Account> => {
  const username = uniq('user')
  const data = {
    email: `${username}@example.com`,
    username,
    name: `Test ${username}`,
    password: 'correct horse 1',
    ...extra
  }
  const created = await api(url, 'POST', '/users', data)
  if (created.status !== 201) throw new Error(`register failed: ${JSON.stringify(created.body)}`)
  return login(url, data.email as string, data.password as string)
}

export const login = async (url: string, email: string, password: string): Promise<Account> => {
  const auth = await api(url, 'POST', '/authentication', { strategy: 'local', email, password })
  if (auth.status !== 201) throw new Error(`login failed: ${JSON.stringify(auth.body)}`)
  const { user, accessToken, refreshToken } = auth.body
  return { ...user, password, accessToken, refreshToken }
}

// A fresh org whose creator is its ADMIN; returns the admin's account with a token carrying the org.
export const createOrg = async (
  url: string,
  name = uniq('Org ')
): Promise<{ admin: Account; orgId: string }> => {
  const admin = await register(url)
  const org = await api(url, 'POST', '/orgs', { name }, bearer(admin.accessToken))
  if (org.status !== 201) throw new Error(`org create failed: ${JSON.stringify(org.body)}`)
  return { admin: { ...admin, org_id: org.body.id, role: 'ADMIN' }, orgId: org.body.id }
}

// Invites and registers a member with the given role into the org of `admin`.
export const addMember = async (url: string, admin: Account, role = 'MEMBER'): Promise<Account> => {
  const username = uniq('member')
  const email = `${username}@example.com`
  const invite = await api(url, 'POST', '/invites', { email, role }, bearer(admin.accessToken))
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`)
  return register(url, { email, username, invite_token: invite.body.token })
}

// A group room made by `owner` over REST with `members` in it; its id.
export const createRoom = async (url: string, owner: Account, name: string, members: Account[] = []) => {
  const res = await api(
    url,
    'POST',
    '/rooms',
    { name, member_ids: members.map((m) => m.id) },
    bearer(owner.accessToken)
  )
  if (res.status !== 201) throw new Error(`room create failed: ${JSON.stringify(res.body)}`)
  return res.body.id as string
}

// A typed client over the given transport, authenticated as the account.
export const clientFor = async (url: string, transport: Transport, account: Account): Promise<TestClient> => {
  const tc = await connect(url, transport)
  await tc.client.authenticate({ strategy: 'jwt', accessToken: account.accessToken })
  return tc
}
