// One JSON logger (pino) for the whole process; the level comes from configuration.
import pino from 'pino'

export const logger = pino({
  level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'chatboard' }
})
