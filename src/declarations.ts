// Application-wide types: configuration, service registry, hook context and the extra params we carry.
import type { HookContext as FeathersHookContext, NextFunction } from '@feathersjs/feathers'
import type { Application as FeathersApplication } from '@feathersjs/koa'
import type { Knex } from 'knex'
import type { Server as SocketServer } from 'socket.io'
import type Redis from 'ioredis'
import type { ApplicationConfiguration } from './configuration'
import type { User } from './services/users/users.schema'
import type { ApiKeyPrincipal } from './auth/principal'
import type { Limiters } from './rate-limits'

export type { NextFunction }

export interface Configuration extends ApplicationConfiguration {
  postgresqlClient: Knex
  redis: Redis | null
  limiters: Limiters
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServiceTypes {}

export type Application = FeathersApplication<ServiceTypes, Configuration> & { io?: SocketServer }

export type HookContext<S = any> = FeathersHookContext<Application, S>

declare module '@feathersjs/feathers' {
  interface Params {
    user?: User
    apiKey?: ApiKeyPrincipal
    ip?: string
    requestId?: string
  }
}
