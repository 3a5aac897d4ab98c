// The client's IP for both transports, by Koa's own rule (koa/lib/request.js `ips` and `ip`), so REST and Socket.IO agree.
import type { IncomingHttpHeaders } from 'node:http'

// Koa's settings on the app: `proxy` (config `trustProxy`), `proxyIpHeader` and `maxIpsCount`.
export interface ProxyTrust {
  proxy: boolean
  proxyIpHeader: string
  maxIpsCount: number
}

// Behind a trusted proxy: the left-most entry of the proxy IP header (after keeping only the last
// `maxIpsCount` entries when set); otherwise, or without the header, the peer's address. Headers are
// never read when the proxy is not trusted, since any client can send them.
export const clientIp = (
  trust: ProxyTrust,
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined
): string => {
  const raw = trust.proxy ? headers[trust.proxyIpHeader.toLowerCase()] : undefined
  const value = Array.isArray(raw) ? raw.join(',') : raw
  let ips = value ? value.split(',').map((entry) => entry.trim()) : []
  if (trust.maxIpsCount > 0) ips = ips.slice(-trust.maxIpsCount)
  return ips[0] || remoteAddress || ''
}
