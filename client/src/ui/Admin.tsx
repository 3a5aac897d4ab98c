// The ADMIN page: members (role, suspend, ban), pending invites, the audit log, API keys, webhooks, analytics.
import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import type { ApiKey, AuditLog, Invite } from '../../../src/client'
import { client, errorText } from '../api'
import { displayName, store } from '../store'
import { useStore } from './hooks'
import { timeOf } from './text'
import { Analytics } from './Analytics'
import { Webhooks } from './Webhooks'

type Tab = 'members' | 'invites' | 'audit' | 'keys' | 'webhooks' | 'analytics'

const SCOPES = ['users:read', 'orgs:read', 'invites:read', 'invites:write', 'audit:read']

export const Admin = () => {
  const s = useStore()
  const [tab, setTab] = useState<Tab>('members')
  const [error, setError] = useState<string | null>(null)
  const [invites, setInvites] = useState<Invite[]>([])
  const [audit, setAudit] = useState<AuditLog[]>([])
  const [keys, setKeys] = useState<ApiKey[]>([])
  const [newKey, setNewKey] = useState<string | null>(null)
  const [keyName, setKeyName] = useState('')
  const [scopes, setScopes] = useState<string[]>(['users:read'])
  const [reload, setReload] = useState(0)

  useEffect(() => {
    const load = async () => {
      if (tab === 'invites')
        setInvites((await client.service('invites').find({ query: { $limit: 100 } as any })).data)
      if (tab === 'audit')
        setAudit((await client.service('audit-logs').find({ query: { $limit: 50 } as any })).data)
      if (tab === 'keys')
        setKeys((await client.service('api-keys').find({ query: { $limit: 100 } as any })).data)
    }
    load().catch((e) => setError(errorText(e)))
  }, [tab, reload])

  const act = async (action: () => Promise<unknown>) => {
    setError(null)
    try {
      await action()
      setReload((n) => n + 1)
    } catch (e) {
      setError(errorText(e))
    }
  }
  const users = client.service('users')
  const patchUser = (id: string, data: Record<string, string>) =>
    act(async () => {
      const u = await users.patch(id, data as any)
      store.update((st) => void st.users.set(u.id, u))
    })

  const createKey = (e: FormEvent) => {
    e.preventDefault()
    void act(async () => {
      const key: any = await client.service('api-keys').create({ name: keyName, scopes } as any)
      setNewKey(key.key)
      setKeyName('')
    })
  }

  return (
    <div className="admin">
      <div className="tabs" role="tablist" aria-label="Administration sections">
        {(['members', 'invites', 'audit', 'keys', 'webhooks', 'analytics'] as Tab[]).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {
              {
                members: 'Members',
                invites: 'Invites',
                audit: 'Audit log',
                keys: 'API keys',
                webhooks: 'Webhooks',
                analytics: 'Analytics'
              }[t]
            }
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {tab === 'members' && (
        <table>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {[...s.users.values()].map((u) => (
              <tr key={u.id} data-user={u.username}>
                <td>
                  {u.name} <span className="muted">@{u.username}</span>
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role ?? 'MEMBER'}
                    disabled={u.id === s.me?.id}
                    onChange={(e) => void patchUser(u.id, { role: e.target.value })}
                  >
                    <option value="MEMBER">Member</option>
                    <option value="MANAGER">Manager</option>
                    <option value="ADMIN">Admin</option>
                  </select>
                </td>
                <td>{u.status}</td>
                <td>
                  {u.id !== s.me?.id && u.status === 'active' && (
                    <>
                      <button
                        type="button"
                        className="small"
                        onClick={() => void patchUser(u.id, { status: 'suspended' })}
                      >
                        Suspend {u.username}
                      </button>
                      <button
                        type="button"
                        className="small"
                        onClick={() => void patchUser(u.id, { status: 'banned' })}
                      >
                        Ban {u.username}
                      </button>
                    </>
                  )}
                  {u.status !== 'active' && (
                    <button
                      type="button"
                      className="small"
                      onClick={() => void patchUser(u.id, { status: 'active' })}
                    >
                      Reactivate {u.username}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tab === 'invites' && (
        <ul className="people">
          {invites.map((i: any) => (
            <li key={i.id}>
              {i.email} ({i.role}) {i.accepted_at ? 'accepted' : i.revoked_at ? 'revoked' : 'pending'}
              {!i.accepted_at && !i.revoked_at && (
                <button
                  type="button"
                  className="small"
                  onClick={() => void act(() => client.service('invites').remove(i.id))}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
          {invites.length === 0 && <li className="hint">No invites.</li>}
        </ul>
      )}
      {tab === 'audit' && (
        <ul className="audit">
          {audit.map((a) => (
            <li key={a.id}>
              <time>{timeOf(a.created_at)}</time> <strong>{a.action}</strong> by {displayName(s, a.actor_id)}
              {a.target ? ` → ${a.target}` : ''}
            </li>
          ))}
        </ul>
      )}
      {tab === 'keys' && (
        <div>
          <form onSubmit={createKey}>
            <label>
              Key name
              <input required maxLength={80} value={keyName} onChange={(e) => setKeyName(e.target.value)} />
            </label>
            <fieldset>
              <legend>Scopes</legend>
              {SCOPES.map((scope) => (
                <label key={scope} className="inline">
                  <input
                    type="checkbox"
                    checked={scopes.includes(scope)}
                    onChange={(e) =>
                      setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((x) => x !== scope))
                    }
                  />
                  {scope}
                </label>
              ))}
            </fieldset>
            <button type="submit" className="primary">
              Create API key
            </button>
          </form>
          {newKey && (
            <label>
              New key (shown once)
              <input readOnly value={newKey} onFocus={(e) => e.target.select()} />
            </label>
          )}
          <ul className="people">
            {keys.map((k) => (
              <li key={k.id}>
                {k.name}{' '}
                <span className="muted">
                  {k.prefix} · {k.scopes.join(', ')}
                </span>
                <button
                  type="button"
                  className="small"
                  onClick={() => void act(() => client.service('api-keys').remove(k.id))}
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {tab === 'webhooks' && <Webhooks />}
      {tab === 'analytics' && <Analytics />}
    </div>
  )
}
