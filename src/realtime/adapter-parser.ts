// The Redis adapter's message codec: msgpack, as the adapter's own default, except that a broadcast this process
// published itself is recognised from its first bytes and not decoded.
import * as msgpack from 'notepack.io'

// Why: Redis delivers every PUBLISH to the publisher's own subscription too, and @socket.io/redis-adapter 8
// decodes the whole message (the event and its payload) before it compares the sender's uid with its own and
// drops it. At 500 messages/s that decoding was 6% of everything the server allocated (a sampling heap profile,
// bench/RESULTS.md, session 8). A broadcast is encoded as the array [uid, packet, opts]; its uid is a short
// string, so the first bytes say whose it is. Anything else (another process's broadcast, requests and
// responses, which are maps) is decoded in full, exactly as before.
const FIXARRAY_3 = 0x93
const FIXSTR = 0xa0
const FIXSTR_MASK = 0xe0

export interface AdapterParser {
  encode(value: unknown): Buffer
  decode(message: Buffer): unknown
  // The uids of this process's adapters (one per namespace), added as each adapter is made.
  own: Set<string>
}

export const adapterParser = (): AdapterParser => {
  const own = new Set<string>()
  return {
    own,
    encode: (value) => msgpack.encode(value),
    decode: (message) => {
      if (message.length > 2 && message[0] === FIXARRAY_3 && (message[1] & FIXSTR_MASK) === FIXSTR) {
        const length = message[1] & ~FIXSTR_MASK
        const uid = message.toString('utf8', 2, 2 + length)
        // Only the uid: the adapter's next step sees it is its own and ignores the message.
        if (own.has(uid)) return [uid]
      }
      return msgpack.decode(message)
    }
  }
}
