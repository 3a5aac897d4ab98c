// A real SMTP server on loopback for the email suites (smtp-server, with authentication), and the parsing of
// what it receives (headers, decoded text and HTML parts).
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  user: string | undefined
  raw: string
  headers: Record<string, string>
  text: string
  html: string
}

const decodeQuotedPrintable = (text: string) =>
  Buffer.from(
    text
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex) => String.fromCharCode(parseInt(hex, 16))),
    'latin1'
  ).toString('utf8')

// One decoded part (text/plain or text/html, quoted-printable or base64) of a nodemailer message.
const partOf = (raw: string, type: 'plain' | 'html') => {
  const part = new RegExp(`Content-Type: text/${type}[^]*?\\r?\\n\\r?\\n([^]*?)(?:\\r?\\n--|$)`, 'i').exec(
    raw
  )
  const encoding = new RegExp(`Content-Type: text/${type}[^]*?Content-Transfer-Encoding: ([\\w-]+)`, 'i')
    .exec(raw)?.[1]
    ?.toLowerCase()
  const body = part?.[1] ?? ''
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  return encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body
}

// The top-level headers and the decoded text and HTML parts of a message.
const parseMail = (raw: string) => {
  const [head] = raw.split(/\r?\n\r?\n/)
  const headers: Record<string, string> = {}
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':')
    if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim()
  }
  return { headers, text: partOf(raw, 'plain'), html: partOf(raw, 'html') }
}

// A real SMTP server on loopback that requires the given credentials and records every accepted message.
// `rejectNext` makes it refuse the next N messages with a temporary error (451).
export const startSmtpServer = async (credentials = { user: 'mailer', pass: 's3cret' }) => {
  const received: ReceivedMail[] = []
  const waiters: Array<() => void> = []
  const state = { rejectNext: 0, rejected: 0 }
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass)
        return callback(null, { user: auth.username })
      return callback(new Error('Invalid username or password'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (state.rejectNext > 0) {
          state.rejectNext--
          state.rejected++
          const error: any = new Error('Try again later')
          error.responseCode = 451
          return callback(error)
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw,
          ...parseMail(raw)
        })
        waiters.splice(0).forEach((wake) => wake())
        callback()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    url: `smtp://${credentials.user}:${credentials.pass}@127.0.0.1:${port}`,
    received,
    state,
    mailsTo: (address: string) => received.filter((mail) => mail.to.includes(address)),
    // Resolves once `count` messages to `address` have arrived (bounded).
    waitForMails: async (address: string, count = 1, timeoutMs = 10000) => {
      const until = Date.now() + timeoutMs
      while (received.filter((mail) => mail.to.includes(address)).length < count) {
        const left = until - Date.now()
        if (left <= 0) throw new Error(`fewer than ${count} mails to ${address} arrived`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      return received.filter((mail) => mail.to.includes(address))
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
