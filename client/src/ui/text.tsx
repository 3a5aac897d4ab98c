// Message text: always rendered as text; http(s) links become anchors that cannot reach back to this page.
import type { ReactNode } from 'react'

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi

const safeHref = (candidate: string) => {
  // Trailing punctuation is usually the sentence's, not the link's.
  const trimmed = candidate.replace(/[.,;:!?)\]]+$/, '')
  try {
    const url = new URL(trimmed)
    return url.protocol === 'http:' || url.protocol === 'https:' ? { href: url.href, text: trimmed } : null
  } catch {
    return null
  }
}

export const Linkified = ({ text }: { text: string }) => {
  const parts: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(URL_RE)) {
    const link = safeHref(match[0])
    if (!link) continue
    const start = match.index ?? 0
    if (start > last) parts.push(text.slice(last, start))
    parts.push(
      <a key={start} href={link.href} target="_blank" rel="noopener noreferrer">
        {link.text}
      </a>
    )
    last = start + link.text.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return <>{parts}</>
}

export const timeOf = (value: unknown) => {
  if (!value) return ''
  const d = new Date(value as string)
  const sameDay = d.toDateString() === new Date().toDateString()
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}
