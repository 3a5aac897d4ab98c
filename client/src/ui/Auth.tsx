// Login and registration (with an invite link's token when present), plus OAuth buttons when configured.
import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { errorText, login, oauthProviders, register } from '../api'
import { enter } from '../session'
import { useStore } from './hooks'

export const inviteFromUrl = () => new URLSearchParams(window.location.search).get('invite') ?? ''

const PROVIDER_LABEL: Record<string, string> = { google: 'Sign in with Google', oidc: 'Sign in with SSO' }

export const AuthScreen = () => {
  const s = useStore()
  const invite = inviteFromUrl()
  const [mode, setMode] = useState<'login' | 'register'>(invite ? 'register' : 'login')
  const [form, setForm] = useState({ email: '', username: '', name: '', password: '' })
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [providers, setProviders] = useState<string[]>([])
  useEffect(() => {
    void oauthProviders().then(setProviders)
  }, [])

  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value })
  })

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const me =
        mode === 'login'
          ? await login(form.email, form.password)
          : await register({ ...form, ...(invite ? { invite_token: invite } : {}) })
      if (invite && me.org_id) window.history.replaceState(null, '', '/')
      await enter(me)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="auth">
      <h1>ChatBoard</h1>
      {s.sessionEnded && (
        <p role="alert" className="notice">
          {s.sessionEnded}
        </p>
      )}
      {s.unreachable && (
        <p role="alert" className="error">
          Cannot reach the server (is this address listed in CORS_ORIGINS?). Retrying…
        </p>
      )}
      {invite && <p className="notice">You have an invitation. Register (or log in) to join.</p>}
      <div className="tabs" role="tablist" aria-label="Log in or register">
        <button role="tab" aria-selected={mode === 'login'} onClick={() => setMode('login')}>
          Log in
        </button>
        <button role="tab" aria-selected={mode === 'register'} onClick={() => setMode('register')}>
          Register
        </button>
      </div>
      <form onSubmit={submit} aria-label={mode === 'login' ? 'Log in' : 'Register'}>
        <label>
          Email
          <input type="email" autoComplete="email" required {...field('email')} />
        </label>
        {mode === 'register' && (
          <>
            <label>
              Username
              <input
                autoComplete="username"
                required
                pattern="[a-z0-9][a-z0-9._\-]{1,31}"
                {...field('username')}
              />
            </label>
            <label>
              Display name
              <input autoComplete="name" required {...field('name')} />
            </label>
          </>
        )}
        <label>
          Password
          <input
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            minLength={mode === 'register' ? 8 : undefined}
            required
            {...field('password')}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
      </form>
      {providers.length > 0 && (
        <div className="oauth">
          {providers.map((p) => (
            <a key={p} className="button" href={`/oauth/${p}`}>
              {PROVIDER_LABEL[p] ?? p}
            </a>
          ))}
        </div>
      )}
    </main>
  )
}
