// Set-up shared by the webhook suites: an org with an ADMIN and a member, a webhook registered through the API.
import { addMember, api, bearer, createOrg } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { WEBHOOK_EVENTS } from '../../src/webhooks/events'

export interface HookOrg {
  orgId: string
  admin: Account
  member: Account
}

export const hookOrg = async (url: string): Promise<HookOrg> => {
  const { admin, orgId } = await createOrg(url)
  const member = await addMember(url, admin)
  return { orgId, admin, member }
}

export const registerWebhook = async (
  url: string,
  admin: Account,
  target: string,
  events: string[] = [...WEBHOOK_EVENTS]
) => {
  const res = await api(url, 'POST', '/webhooks', { url: target, events }, bearer(admin.accessToken))
  if (res.status !== 201) throw new Error(`webhook create failed: ${JSON.stringify(res.body)}`)
  return res.body as { id: string; secret: string; [field: string]: unknown }
}

export const send = async (url: string, account: Account, roomId: string, body: string) => {
  const res = await api(url, 'POST', '/messages', { room_id: roomId, body }, bearer(account.accessToken))
  if (res.status !== 201) throw new Error(`send failed: ${JSON.stringify(res.body)}`)
  return res.body
}

export const groupRoom = async (url: string, admin: Account, memberIds: string[] = []) => {
  const res = await api(
    url,
    'POST',
    '/rooms',
    { kind: 'group', name: 'Hooks', member_ids: memberIds },
    bearer(admin.accessToken)
  )
  if (res.status !== 201) throw new Error(`room create failed: ${JSON.stringify(res.body)}`)
  return res.body
}
