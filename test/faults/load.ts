// Load for the fault suites: members of one room sending messages over REST as fast as a bounded pace allows,
// each answer recorded (status, data.code, how long it took, the message when acknowledged).
import { bearer } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'

export interface Answer {
  sender: string
  status: number
  code: string | null
  ms: number
  startedAt: number
  message: any | null
}

export interface Load {
  answers: Answer[]
  acked: () => any[]
  // Resolves once at least `count` answers match.
  until: (match: (a: Answer) => boolean, count?: number, timeoutMs?: number) => Promise<void>
  stop: () => Promise<void>
}

export type Sent = Pick<Answer, 'status' | 'code' | 'message'>
export type SendFn = (sender: Account, body: string, timeoutMs: number) => Promise<Sent>

// A send over REST; `urlOf` picks the server for each request (it may change, as a load balancer would).
export const restSend =
  (urlOf: (sender: Account) => string, roomId: string): SendFn =>
  async (sender, body, timeoutMs) => {
    const res = await fetch(`${urlOf(sender)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(sender.accessToken) },
      body: JSON.stringify({ room_id: roomId, body }),
      signal: AbortSignal.timeout(timeoutMs)
    })
    const json: any = await res.json().catch(() => null)
    return { status: res.status, code: json?.data?.code ?? null, message: res.status === 201 ? json : null }
  }

// A send over the sender's own socket (a Feathers client); an error answer carries its HTTP code.
// `answered` gets each stored message from its send's answer: the sending socket receives no event for its
// own message, so a device following the room applies the answer (as the web client does).
export const socketSend =
  (
    clientOf: (sender: Account) => { service: (path: any) => any },
    roomId: string,
    answered?: (sender: Account, message: any) => void
  ): SendFn =>
  async (sender, body, timeoutMs) => {
    let timer: NodeJS.Timeout | undefined
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('hung'), { name: 'TimeoutError' })), timeoutMs)
    })
    try {
      const created = clientOf(sender).service('messages').create({ room_id: roomId, body })
      const message = await Promise.race([created, hung])
      answered?.(sender, message)
      return { status: 201, code: null, message }
    } catch (error: any) {
      if (error?.name === 'TimeoutError') throw error
      return { status: error?.code ?? 0, code: error?.data?.code ?? null, message: null }
    } finally {
      clearTimeout(timer)
    }
  }

export const startLoad = (
  sendFn: SendFn,
  senders: Account[],
  options: { paceMs?: number; maxPerSender?: number; timeoutMs?: number } = {}
): Load => {
  const { paceMs = 250, maxPerSender = 90, timeoutMs = 10000 } = options
  const answers: Answer[] = []
  const waiters: Array<() => void> = []
  let stopped = false
  const send = async (sender: Account, n: number) => {
    const startedAt = Date.now()
    let sent: Sent
    try {
      sent = await sendFn(sender, `load ${sender.username} #${n}`, timeoutMs)
    } catch (error: any) {
      // 0 = no answer: refused (process gone) or given up after timeoutMs (a hang).
      sent = { status: 0, code: error?.name === 'TimeoutError' ? 'hung' : 'no_answer', message: null }
    }
    answers.push({ sender: sender.id, ...sent, ms: Date.now() - startedAt, startedAt })
    waiters.splice(0).forEach((wake) => wake())
  }
  const loop = async (sender: Account) => {
    for (let n = 1; !stopped && n <= maxPerSender; n++) {
      const started = Date.now()
      await send(sender, n)
      const rest = paceMs - (Date.now() - started)
      if (rest > 0 && !stopped) await new Promise((resolve) => setTimeout(resolve, rest))
    }
  }
  const running = Promise.all(senders.map(loop))
  const until = async (match: (a: Answer) => boolean, count = 1, timeoutMs = 20000) => {
    const deadline = Date.now() + timeoutMs
    while (answers.filter(match).length < count) {
      if (Date.now() > deadline) throw new Error(`load: condition not met in ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }
  return {
    answers,
    acked: () => answers.filter((a) => a.status === 201).map((a) => a.message),
    until,
    stop: async () => {
      stopped = true
      await running
    }
  }
}

// Polls `probe` until it returns a truthy value (or throws after timeoutMs): waiting on a condition, no sleeps.
export const eventually = async <T>(
  probe: () => Promise<T>,
  timeoutMs = 20000,
  everyMs = 100
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      // A probe that hangs counts as not yet: the bound holds.
      let timer: NodeJS.Timeout | undefined
      const value = await Promise.race([
        probe(),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), Math.max(1, deadline - Date.now()))
        })
      ]).finally(() => clearTimeout(timer))
      if (value) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms (${String(last ?? '')})`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
