// Shared Ajv instances: data is validated strictly (no coercion), queries coerce strings from URLs.
import { Ajv, addFormats } from '@feathersjs/schema'
import type { FormatsPluginOptions } from '@feathersjs/schema'

const formats: FormatsPluginOptions = ['date-time', 'time', 'date', 'email', 'hostname', 'uri', 'uuid']

export const dataValidator: Ajv = addFormats(new Ajv({ allErrors: false }), formats)

export const queryValidator: Ajv = addFormats(new Ajv({ coerceTypes: true, allErrors: false }), formats)
