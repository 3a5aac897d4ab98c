// ADMIN analytics: messages and active users per day as inline SVG bar charts, busiest rooms and top senders.
import { useEffect, useState } from 'react'
import type { Analytics as Report } from '../../../src/services/analytics/analytics.schema'
import { client, errorText } from '../api'

type Period = '7d' | '30d' | '90d'

// A bar per day, scaled to the largest value; each bar has a <title> (hover) and the figure is described by a
// table-like label so the numbers are readable without the picture.
const BarChart = ({ title, points }: { title: string; points: Array<{ label: string; value: number }> }) => {
  const max = Math.max(1, ...points.map((p) => p.value))
  const width = 600
  const height = 100
  const step = width / Math.max(1, points.length)
  const total = points.reduce((sum, p) => sum + p.value, 0)
  return (
    <figure className="chart">
      <figcaption>
        {title}: <strong data-testid={`${title}-total`}>{total}</strong>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 14}`}
        role="img"
        aria-label={`${title} per day: ${points.map((p) => `${p.label} ${p.value}`).join(', ')}`}
      >
        {points.map((p, i) => {
          const h = (p.value / max) * height
          return (
            <rect
              key={p.label}
              x={i * step + step * 0.1}
              y={height - h}
              width={step * 0.8}
              height={h}
              className="bar"
            >
              <title>{`${p.label}: ${p.value}`}</title>
            </rect>
          )
        })}
        <line x1={0} x2={width} y1={height} y2={height} className="baseline" />
        <text x={0} y={height + 12} className="axis">
          {points[0]?.label}
        </text>
        <text x={width} y={height + 12} className="axis" textAnchor="end">
          {points[points.length - 1]?.label}
        </text>
      </svg>
    </figure>
  )
}

export const Analytics = () => {
  const [period, setPeriod] = useState<Period>('7d')
  const [report, setReport] = useState<Report | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    setError(null)
    client
      .service('analytics')
      .find({ query: { period } } as any)
      .then((r) => setReport(r as unknown as Report))
      .catch((e) => setError(errorText(e)))
  }, [period])
  return (
    <section className="analytics" aria-label="Analytics">
      <label>
        Period{' '}
        <select value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
          <option value="7d">Last 7 days</option>
          <option value="30d">Last 30 days</option>
          <option value="90d">Last 90 days</option>
        </select>
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {report && (
        <>
          <p className="totals">
            <span>
              Messages: <strong data-testid="messages">{report.messages}</strong>
            </span>{' '}
            <span>
              Active users: <strong data-testid="active-users">{report.active_users}</strong>
            </span>{' '}
            <span>
              New members: <strong data-testid="new-members">{report.new_members}</strong>
            </span>
          </p>
          <BarChart title="Messages" points={report.days.map((d) => ({ label: d.day, value: d.messages }))} />
          <BarChart
            title="Active users"
            points={report.days.map((d) => ({ label: d.day, value: d.active_users }))}
          />
          <table aria-label="Busiest rooms">
            <thead>
              <tr>
                <th scope="col">Room</th>
                <th scope="col">Messages</th>
              </tr>
            </thead>
            <tbody>
              {report.busiest_rooms.map((r) => (
                <tr key={r.room_id}>
                  <td>{r.name ?? (r.kind === 'dm' ? 'Direct message' : r.kind)}</td>
                  <td>{r.messages}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label="Top senders">
            <thead>
              <tr>
                <th scope="col">Sender</th>
                <th scope="col">Messages</th>
              </tr>
            </thead>
            <tbody>
              {report.top_senders.map((u) => (
                <tr key={u.user_id}>
                  <td>
                    {u.name} <span className="muted">@{u.username}</span>
                    {u.bot && <span className="muted"> (bot)</span>}
                  </td>
                  <td>{u.messages}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}
