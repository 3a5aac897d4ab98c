// One socket write per connection per event-loop turn: every frame queued for a websocket during a turn goes
// out in one writev when the turn ends, instead of one system call per event (bench/RESULTS.md, issue 12).
import net from 'node:net'
import { transports } from 'engine.io'

// Why: a profile at 500 msg/s in rooms of 20 spent 29% of the server's busy time in `writev`, one call per
// delivered frame (on loopback the call also runs the receiver's TCP stack). Under load a turn handles many
// sends, so a member of a busy room has several frames per turn; corking the TCP socket for the rest of the
// turn makes them one call. Idle, the cost is nil: the frame waits only until this turn's I/O is done.
// engine.io has no option for this, so its websocket transport's `send` is wrapped (engine.io 6: `socket` is
// the ws WebSocket, whose `_socket` is the net.Socket; anything else is left alone).

const corked = new Set<net.Socket>()
// Transports told they may go on writing during this turn (see below), to hold back again at its end.
const released = new Set<{ writable: boolean }>()
let flushScheduled = false

const uncorkAll = () => {
  flushScheduled = false
  for (const raw of corked) if (!raw.destroyed) raw.uncork()
  corked.clear()
  // The writes just issued complete later (their callbacks run on the next tick at the earliest, and not at
  // all while a stalled reader's kernel buffer is full): until then engine.io queues again, so its write
  // buffer, not the socket's, holds what waits, as the slow-consumer bound expects (backpressure.ts).
  for (const transport of released) transport.writable = false
  released.clear()
}

const corkForThisTurn = (raw: unknown) => {
  if (!(raw instanceof net.Socket) || raw.destroyed || corked.has(raw)) return
  raw.cork()
  corked.add(raw)
  if (!flushScheduled) {
    flushScheduled = true
    // setImmediate runs after this turn's I/O callbacks: everything they emitted is in the batch.
    setImmediate(uncorkAll)
  }
}

let installed = false

export const coalesceSocketWrites = () => {
  if (installed) return
  installed = true
  const proto = (transports as any).websocket?.prototype
  if (!proto || typeof proto.send !== 'function') return
  const send = proto.send
  proto.send = function (this: any, packets: unknown[]) {
    const raw = this.socket?._socket
    corkForThisTurn(raw)
    send.call(this, packets)
    // engine.io holds further packets until this batch's write callback, which comes only after the uncork:
    // let the rest of this turn's packets join the same write (each batch still gets its own callback).
    if (corked.has(raw)) {
      this.writable = true
      released.add(this)
    }
  }
}
