// Names this deployment in shared Redis keys and channels: processes of one deployment share a database, so
// its name separates deployments (and parallel test runs) that share a Redis but not a database.
import type { Application } from '../declarations'

export const deploymentKey = (app: Application): string => {
  const { url } = app.get('database')
  if (!url) return 'embedded'
  try {
    return new URL(url).pathname.slice(1) || 'default'
  } catch {
    return 'default'
  }
}
