// The one connection to the server: the typed Feathers client over Socket.IO, login, refresh and logout.
import { io } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../../src/client'
import type { User } from '../../src/client'

// Reconnects by itself with exponential backoff (0.5 s doubling to 10 s, ±50 % jitter so a restarted
// server is not hit by every client at the same instant).
export const socket = io({
  transports: ['websocket'],
  reconnectionDelay: 500,
  reconnectionDelayMax: 10000,
  randomizationFactor: 0.5
})

export const client = createClient(socketio(socket, { timeout: 15000 }))

const REFRESH_KEY = 'chatboard-refresh'

const keepRefresh = (token: unknown) => {
  if (typeof token === 'string') localStorage.setItem(REFRESH_KEY, token)
}

// Access tokens live 15 minutes and sockets check them on every call, so a new one is fetched a minute before
// expiry. Tabs share the stored tokens: a lock serializes them, and a tab whose sibling already refreshed
// adopts that token instead of spending the (single-use) refresh token a second time.
const expiryOf = (token: string) => {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000
  } catch {
    return 0
  }
}

let renewTimer: ReturnType<typeof setTimeout> | undefined
let onSessionLost: () => void = () => {}
export const whenSessionLost = (fn: () => void) => {
  onSessionLost = fn
}

const schedule = (accessToken: unknown) => {
  clearTimeout(renewTimer)
  if (typeof accessToken !== 'string') return
  const delay = Math.max(5000, expiryOf(accessToken) - Date.now() - 60000)
  renewTimer = setTimeout(() => void renew(), delay)
}

const renew = async () => {
  const run = async () => {
    const stored = await client.authentication.getAccessToken()
    if (stored && expiryOf(stored) - Date.now() > 120000) {
      const result = await client.authenticate({ strategy: 'jwt', accessToken: stored })
      return schedule(result.accessToken)
    }
    await refresh()
  }
  try {
    await (navigator.locks ? navigator.locks.request('chatboard-refresh', run) : run())
  } catch (e) {
    if (isTransient(e)) renewTimer = setTimeout(() => void renew(), 10000)
    else onSessionLost()
  }
}

export interface ApiError {
  message: string
  code?: number
  data?: { code?: string; retryAfter?: number }
  name?: string
}

export const errorText = (e: unknown) => (e as ApiError)?.message ?? String(e)
export const errorCode = (e: unknown) => (e as ApiError)?.data?.code

// Network-ish failures (no answer, timeout, server unavailable) are retried; everything else is a refusal.
export const isTransient = (e: unknown) => {
  const err = e as ApiError
  return !err?.code || err.code === 408 || err.code === 503 || err.name === 'Timeout'
}

export const login = async (email: string, password: string): Promise<User> => {
  const result = await client.authenticate({ strategy: 'local', email, password })
  keepRefresh(result.refreshToken)
  schedule(result.accessToken)
  return result.user as User
}

export const register = async (data: {
  email: string
  username: string
  name: string
  password: string
  invite_token?: string
}): Promise<User> => {
  await client.service('users').create(data)
  return login(data.email, data.password)
}

// Trades the stored refresh token for new tokens (rotation: the new refresh token replaces the old one).
export const refresh = async (): Promise<User> => {
  const refreshToken = localStorage.getItem(REFRESH_KEY)
  if (!refreshToken) throw new Error('No session')
  const result = await client.authenticate({ strategy: 'refresh', refreshToken })
  keepRefresh(result.refreshToken)
  schedule(result.accessToken)
  return result.user as User
}

// An OAuth login comes back as /#access_token=…&refresh_token=…: keep both like a password login's, and take
// them out of the address bar (history, screenshots, a copied link must not carry a session).
const adoptOAuthTokens = async () => {
  const hash = new URLSearchParams(window.location.hash.slice(1))
  const accessToken = hash.get('access_token')
  if (!accessToken) return
  await client.authentication.setAccessToken(accessToken)
  keepRefresh(hash.get('refresh_token'))
  window.history.replaceState(null, '', window.location.pathname + window.location.search)
}

// On page load and after a reconnect: the stored access token, else the refresh token. A refusal of both
// (expired, revoked, suspended) means the person has to log in again.
export const resume = async (force = false): Promise<User | null> => {
  await adoptOAuthTokens()
  try {
    const result = await client.reAuthenticate(force)
    schedule(result.accessToken)
    return result.user as User
  } catch (e) {
    if (isTransient(e)) throw e
    if (!localStorage.getItem(REFRESH_KEY)) return null
    try {
      return await refresh()
    } catch (e2) {
      if (isTransient(e2)) throw e2
      localStorage.removeItem(REFRESH_KEY)
      return null
    }
  }
}

export const logout = async () => {
  clearTimeout(renewTimer)
  localStorage.removeItem(REFRESH_KEY)
  try {
    await client.logout()
  } catch {
    // Already logged out server-side (session revoked): nothing more to end.
  }
}

// OAuth providers have no discovery endpoint: /oauth/<name> exists only when the provider is configured,
// and then answers with a redirect to the provider (seen here as an opaque redirect, never followed).
export const oauthProviders = async (): Promise<string[]> => {
  const found: string[] = []
  await Promise.all(
    ['google', 'oidc'].map(async (name) => {
      try {
        const res = await fetch(`/oauth/${name}`, { redirect: 'manual', credentials: 'same-origin' })
        if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) found.push(name)
      } catch {
        // No answer: treat as not configured.
      }
    })
  )
  return found.sort()
}
