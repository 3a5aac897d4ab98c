// The one list of what an API key scope allows: service path -> method -> scope. Anything absent is denied.
// Deliberately absent: `api-keys` (a leaked key must never mint or revoke keys; the service also refuses
// API keys itself) and every write to users and orgs (role and membership changes need a person).
export const apiKeyScopes: Record<string, Record<string, string>> = {
  users: { find: 'users:read', get: 'users:read' },
  orgs: { find: 'orgs:read', get: 'orgs:read' },
  invites: { find: 'invites:read', get: 'invites:read', create: 'invites:write', remove: 'invites:write' },
  'audit-logs': { find: 'audit:read', get: 'audit:read' },
  // A key acts as its bot here (apiKeyActsAsBot): it sees and posts only in rooms its bot was added to.
  rooms: { find: 'rooms:read', get: 'rooms:read' },
  members: { find: 'rooms:read', get: 'rooms:read' },
  messages: {
    find: 'messages:read',
    get: 'messages:read',
    create: 'messages:write',
    patch: 'messages:write'
  },
  search: { find: 'messages:read' },
  'catch-up': { find: 'messages:read' },
  analytics: { find: 'analytics:read' },
  webhooks: {
    find: 'webhooks:manage',
    get: 'webhooks:manage',
    create: 'webhooks:manage',
    patch: 'webhooks:manage',
    remove: 'webhooks:manage'
  },
  'webhook-deliveries': {
    find: 'webhooks:manage',
    get: 'webhooks:manage',
    create: 'webhooks:manage',
    patch: 'webhooks:manage'
  }
}

// Services where a key's call runs as its bot user (params.user), so membership and the room policy apply.
export const apiKeyActsAsBot = ['rooms', 'members', 'messages', 'search', 'catch-up']

export const knownScopes = [
  ...new Set([
    ...Object.values(apiKeyScopes).flatMap((methods) => Object.values(methods)),
    // Scopes for services of later releases are accepted now so keys need not be re-issued.
    'rooms:write'
  ])
].sort()
