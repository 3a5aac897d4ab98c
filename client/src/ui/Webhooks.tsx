// ADMIN webhooks: list, create (the signing secret is shown once), turn on/off, test ping, recent deliveries.
import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { client, errorText } from '../api'
import { timeOf } from './text'
import { WEBHOOK_EVENTS } from '../../../src/client'

interface Hook {
  id: string
  url: string
  description: string
  events: string[]
  active: boolean
  disabled_reason: string | null
}
interface Delivery {
  id: string
  event_type: string
  status: string
  attempts: number
  response_code: number | null
  last_error: string | null
  created_at: unknown
}

export const Webhooks = () => {
  const [hooks, setHooks] = useState<Hook[]>([])
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [events, setEvents] = useState<string[]>(['message.created'])
  const [secret, setSecret] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  const [deliveries, setDeliveries] = useState<Delivery[]>([])
  const [error, setError] = useState<string | null>(null)
  const [reload, setReload] = useState(0)
  const webhooks = client.service('webhooks')

  useEffect(() => {
    webhooks
      .find({ query: { $limit: 100 } } as any)
      .then((page: any) => setHooks(page.data ?? page))
      .catch((e: unknown) => setError(errorText(e)))
    if (open)
      client
        .service('webhook-deliveries')
        .find({ query: { webhook_id: open, $limit: 50, $sort: { created_at: -1 } } } as any)
        .then((page: any) => setDeliveries(page.data ?? page))
        .catch((e: unknown) => setError(errorText(e)))
  }, [reload, open])

  const act = async (action: () => Promise<unknown>) => {
    setError(null)
    try {
      await action()
      setReload((n) => n + 1)
    } catch (e) {
      setError(errorText(e))
    }
  }
  const create = (e: FormEvent) => {
    e.preventDefault()
    void act(async () => {
      const made: any = await webhooks.create({ url, events, ...(description ? { description } : {}) } as any)
      setSecret(made.secret ?? null)
      setUrl('')
      setDescription('')
    })
  }

  return (
    <section aria-label="Webhooks">
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <form className="row" onSubmit={create}>
        <label>
          Webhook URL
          <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="check">
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))
                }
              />
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary">
          Create webhook
        </button>
      </form>
      {secret && (
        <label>
          Signing secret (shown once)
          <input readOnly value={secret} onFocus={(e) => e.target.select()} />
        </label>
      )}
      <ul className="people" aria-label="Webhook list">
        {hooks.map((h) => (
          <li key={h.id}>
            <span className="wrap">{h.url}</span>{' '}
            <span className="muted">
              {h.description} · {h.events.join(', ')}
              {h.disabled_reason ? ` · disabled: ${h.disabled_reason}` : ''}
            </span>{' '}
            <label className="check">
              <input
                type="checkbox"
                checked={h.active}
                onChange={(e) => void act(() => webhooks.patch(h.id, { active: e.target.checked } as any))}
              />
              Active
            </label>
            <button
              type="button"
              className="small"
              onClick={() =>
                void act(() =>
                  client.service('webhook-deliveries').create({ webhook_id: h.id, type: 'ping' } as any)
                )
              }
            >
              Send test ping
            </button>
            <button
              type="button"
              className="small"
              aria-expanded={open === h.id}
              onClick={() => setOpen(open === h.id ? null : h.id)}
            >
              Deliveries
            </button>
            <button type="button" className="small" onClick={() => void act(() => webhooks.remove(h.id))}>
              Delete
            </button>
            {open === h.id && (
              <table aria-label={`Deliveries of ${h.url}`}>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Response</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>{timeOf(d.created_at as string)}</td>
                      <td>{d.event_type}</td>
                      <td>{d.status}</td>
                      <td>{d.attempts}</td>
                      <td>{d.response_code ?? d.last_error ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
