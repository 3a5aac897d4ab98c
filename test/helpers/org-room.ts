// An org whose admin and `extra` invited members (all through the public API) share one group room: the set-up
// of the fault suites' load, where every member sends into the one room.
import { addMember, api, bearer, createOrg } from './fixtures'
import type { Account } from './fixtures'

export const orgWithRoom = async (
  url: string,
  extra: number,
  name: string
): Promise<{ admin: Account; members: Account[]; roomId: string }> => {
  const { admin } = await createOrg(url)
  const members = [admin]
  for (let i = 0; i < extra; i++) members.push(await addMember(url, admin))
  const room = await api(
    url,
    'POST',
    '/rooms',
    { name, member_ids: members.slice(1).map((m) => m.id) },
    bearer(admin.accessToken)
  )
  if (room.status !== 201) throw new Error(`room create failed: ${room.status} ${JSON.stringify(room.body)}`)
  return { admin, members, roomId: room.body.id }
}
