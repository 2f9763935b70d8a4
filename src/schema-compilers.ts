// Fastify's own schema compilers (Ajv, fast-json-stringify), each route's schema compiled at its first request instead of at start.
import AjvCompiler from '@fastify/ajv-compiler'
import SerializerCompiler from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown }

/**
 * The same compilers Fastify uses by default, with the same options, so every route validates and serialises exactly
 * as before; only the time of compiling moves. Compiling some sixty route schemas is a third of a second at every
 * start, most of them for pages and API routes that a given process may never serve.
 */
export function lazySchemaCompilers(): Factories {
  const validators = AjvCompiler()
  const serializers = SerializerCompiler()
  const buildValidator: Factories['buildValidator'] = (externalSchemas, ajvOptions) => {
    const compile = validators(externalSchemas, ajvOptions) as unknown as (route: unknown) => Validate
    const lazy = (route: unknown) => {
      let compiled: Validate | undefined
      // Fastify passes the parent object to a function that has `schemaEnv` (as Ajv's do), so that coercion and
      // defaults can replace the root value; the wrapper says it has one and hands both on, and Ajv's errors back.
      const validate: Validate = (data, context) => {
        compiled ??= compile(route)
        const valid = compiled(data, context)
        validate.errors = compiled.errors
        return valid
      }
      validate.schemaEnv = true
      return validate
    }
    return lazy as unknown as ReturnType<NonNullable<Factories['buildValidator']>>
  }
  const buildSerializer: Factories['buildSerializer'] = (externalSchemas, serializerOptions) => {
    const compile = serializers(externalSchemas, serializerOptions)
    return (route) => {
      let compiled: ((data: unknown) => string) | undefined
      return (data: unknown) => (compiled ??= compile(route))(data)
    }
  }
  return { buildValidator, buildSerializer }
}
