// The one list of what an API key scope allows: service path -> method -> scope. Anything absent is denied.
// Deliberately absent: `api-keys` (a leaked key must never mint or revoke keys; the service also refuses
// API keys itself) and every write to users and orgs (role and membership changes need a person).
export const apiKeyScopes: Record<string, Record<string, string>> = {
  users: { find: 'users:read', get: 'users:read' },
  orgs: { find: 'orgs:read', get: 'orgs:read' },
  invites: { find: 'invites:read', get: 'invites:read', create: 'invites:write', remove: 'invites:write' },
  'audit-logs': { find: 'audit:read', get: 'audit:read' }
}

export const knownScopes = [
  ...new Set([
    ...Object.values(apiKeyScopes).flatMap((methods) => Object.values(methods)),
    // Scopes for services of later releases are accepted now so keys need not be re-issued.
    'rooms:read',
    'rooms:write',
    'messages:read',
    'messages:write',
    'webhooks:manage'
  ])
].sort()
