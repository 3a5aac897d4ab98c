// Push endpoints are URLs that users hand us and the server then POSTs to: refuse private, loopback and link-local
// targets (server-side request forgery) unless notifications.push.allowPrivateEndpoints is set (tests, labs).
// Checked when a subscription is saved (IP literals, localhost) and again at connect time on the resolved
// addresses (a public name may resolve to a private address, or change to one later).
import dns from 'node:dns'
import net from 'node:net'
import type { LookupFunction } from 'node:net'

const blocked = new net.BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3]
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8]
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6')
}

export const isPrivateAddress = (address: string): boolean => {
  const family = net.isIP(address)
  if (family === 4) return blocked.check(address, 'ipv4')
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
    return mapped ? blocked.check(mapped[1], 'ipv4') : blocked.check(address, 'ipv6')
  }
  return false
}

export class EndpointRefused extends Error {
  code = 'endpoint_not_allowed'
}

// The URL-level check: https only, and no private IP literal or localhost name (unless allowed).
export const checkEndpoint = (endpoint: string, allowPrivate: boolean): URL => {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new EndpointRefused('The endpoint is not a URL')
  }
  if (url.username || url.password) throw new EndpointRefused('The endpoint must not carry credentials')
  if (allowPrivate) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new EndpointRefused('The endpoint must be http(s)')
    return url
  }
  if (url.protocol !== 'https:') throw new EndpointRefused('The endpoint must be an https URL')
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
    throw new EndpointRefused('The endpoint points to a private address')
  }
  return url
}

// A dns.lookup for outgoing requests that never yields a private address (unless allowed).
export const guardedLookup =
  (allowPrivate: boolean): LookupFunction =>
  (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return (callback as any)(error)
      const usable = allowPrivate ? addresses : addresses.filter((entry) => !isPrivateAddress(entry.address))
      if (usable.length === 0) {
        return (callback as any)(new EndpointRefused(`${hostname} resolves to a private address`))
      }
      if ((options as dns.LookupOptions).all) return (callback as any)(null, usable)
      return (callback as any)(null, usable[0].address, usable[0].family)
    })
  }
