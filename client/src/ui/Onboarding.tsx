// A signed-in person without an org: create one (becoming its ADMIN) or accept an invite link.
import { useState } from 'react'
import type { FormEvent } from 'react'
import { client, errorText } from '../api'
import { onOrgJoined, signOut } from '../session'
import { inviteFromUrl } from './Auth'

const tokenOf = (value: string) => {
  try {
    return new URL(value).searchParams.get('invite') ?? value.trim()
  } catch {
    return value.trim()
  }
}

export const Onboarding = () => {
  const [name, setName] = useState('')
  const [invite, setInvite] = useState(inviteFromUrl())
  const [error, setError] = useState<string | null>(null)
  const run = (action: () => Promise<unknown>) => async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      await action()
      window.history.replaceState(null, '', '/')
      await onOrgJoined()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <main className="auth">
      <h1>Welcome to ChatBoard</h1>
      <form onSubmit={run(() => client.service('orgs').create({ name }))} aria-label="Create an organization">
        <h2>Create an organization</h2>
        <label>
          Organization name
          <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Create
        </button>
      </form>
      <form
        onSubmit={run(() => client.service('invite-acceptances').create({ token: tokenOf(invite) }))}
        aria-label="Accept an invitation"
      >
        <h2>…or join with an invitation</h2>
        <label>
          Invite link or token
          <input required value={invite} onChange={(e) => setInvite(e.target.value)} />
        </label>
        <button type="submit">Join</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="button" className="link" onClick={() => void signOut()}>
        Log out
      </button>
    </main>
  )
}
