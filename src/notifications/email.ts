// The digest email: one message listing a user's unread mentions and DMs, as plain text and escaped HTML
// (message bodies are user input: never inserted into HTML unescaped).
import type { Mail } from './mailer'

export interface DigestItem {
  type: 'mention' | 'dm'
  actorName: string
  roomName: string | null
  body: string
  createdAt: Date
}

const EXCERPT = 300

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  )

const excerpt = (body: string) => {
  const chars = [...body.replace(/\s+/g, ' ').trim()]
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join('')}…` : chars.join('')
}

const headline = (item: DigestItem) =>
  item.type === 'dm'
    ? `${item.actorName} sent you a direct message`
    : `${item.actorName} mentioned you in ${item.roomName ? `#${item.roomName}` : 'a room'}`

export const renderDigest = (
  recipient: { userId: string; email: string; name: string },
  items: DigestItem[],
  options: { maxListed: number; appUrl: string }
): Mail => {
  const listed = items.slice(0, options.maxListed)
  const more = items.length - listed.length
  const subject =
    items.length === 1 ? headline(items[0]) : `You have ${items.length} unread mentions and direct messages`
  const lines = listed.map((item) => `${headline(item)}:\n  ${excerpt(item.body)}`)
  const text = [
    `Hi ${recipient.name},`,
    '',
    'While you were away:',
    '',
    ...lines.flatMap((line) => [line, '']),
    ...(more > 0 ? [`…and ${more} more.`, ''] : []),
    `Open ChatBoard: ${options.appUrl}`,
    '',
    'You get this email because email notifications are on in your notification preferences.'
  ].join('\n')
  const html = [
    `<p>Hi ${escapeHtml(recipient.name)},</p>`,
    '<p>While you were away:</p>',
    '<ul>',
    ...listed.map(
      (item) =>
        `<li><strong>${escapeHtml(headline(item))}</strong>:<br>${escapeHtml(excerpt(item.body))}</li>`
    ),
    '</ul>',
    ...(more > 0 ? [`<p>…and ${more} more.</p>`] : []),
    `<p><a href="${escapeHtml(options.appUrl)}">Open ChatBoard</a></p>`,
    '<p style="color:#666">You get this email because email notifications are on in your notification preferences.</p>'
  ].join('\n')
  return { userId: recipient.userId, to: recipient.email, subject, text, html }
}
