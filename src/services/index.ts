// Registers every service; each one's file holds its hooks table and event publishing.
import type { Application } from '../declarations'
import { user } from './users/users'
import { org } from './orgs/orgs'

export const services = (app: Application) => {
  app.configure(user)
  app.configure(org)
}
