// Full garbage collections in a server, asked through its inspector (servers started with --inspect-gc), so a
// memory sample counts what is live rather than whatever garbage the last collection happened to leave.
import WebSocket from 'ws'

// Three in a row: the first frees, V8 hands the emptied pages back to the OS on the following ones.
export const forceGc = async (inspectPort: number, times = 3) => {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string
  }[]
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let nextId = 0
  const call = (method: string) =>
    new Promise<void>((resolve, reject) => {
      const id = ++nextId
      const onMessage = (raw: WebSocket.RawData) => {
        const message = JSON.parse(raw.toString())
        if (message.id !== id) return
        ws.off('message', onMessage)
        if (message.error) reject(new Error(`${method}: ${message.error.message}`))
        else resolve()
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ id, method }))
    })
  try {
    for (let i = 0; i < times; i++) await call('HeapProfiler.collectGarbage')
  } finally {
    ws.close()
  }
}
