/**
 * The OpenAPI 3.1 document, generated from the endpoint contracts and their zod schemas: named
 * request schemas as input JSON Schema, named responses as output JSON Schema (z.toJSONSchema),
 * params and query expanded into parameters. Built once, on first use.
 */
import { z } from 'zod';
import { ENDPOINTS } from './contract/index.ts';
import type { Endpoint } from './endpoint.ts';
import { requestSchemas, responseSchemas } from './schemas.ts';

type Json = Record<string, unknown>;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function components(registry: typeof requestSchemas, io: 'input' | 'output'): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, Json> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

function refTo(schema: z.ZodType, registry: typeof requestSchemas, where: string): Json {
  const id = registry.get(schema)?.id;
  if (!id) throw new Error(`${where}: schema is not registered in schemas.ts`);
  return ref(id);
}

function parameters(e: Endpoint): Json[] {
  const out: Json[] = [];
  for (const [place, schema] of [
    ['path', e.params],
    ['query', e.query],
  ] as const) {
    if (!schema) continue;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: place,
        required: place === 'path' || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

function requestBody(e: Endpoint): Json | undefined {
  const shown = e.docBody ?? e.body;
  if (!shown) return undefined;
  if (!e.files) {
    return {
      required: true,
      content: { 'application/json': { schema: refTo(shown, requestSchemas, `${e.id} body`) } },
    };
  }
  // multipart/form-data: the text fields of the schema plus one binary property per file.
  const fields = z.toJSONSchema(shown, { io: 'input', unrepresentable: 'any' }) as Json & {
    properties?: Record<string, Json>;
    required?: string[];
  };
  delete fields.$schema;
  const files = Object.fromEntries(e.files.map((name) => [name, { type: 'string', format: 'binary' }]));
  const schema = {
    ...fields,
    properties: { ...files, ...(fields.properties ?? {}) },
    required: [...e.files, ...(fields.required ?? [])],
  };
  return { required: true, content: { 'multipart/form-data': { schema } } };
}

function operation(e: Endpoint): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(e.responses)) {
    const content = spec.schema
      ? {
          [spec.contentType ?? 'application/json']: {
            schema: refTo(spec.schema, responseSchemas, `${e.id} ${status}`),
          },
        }
      : spec.contentType
        ? { [spec.contentType]: {} }
        : undefined;
    responses[status] = { description: spec.description, ...(content ? { content } : {}) };
  }
  const body = requestBody(e);
  const params = parameters(e);
  return {
    operationId: e.id,
    tags: [e.tag],
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    'x-roles': e.roles,
    security: [{ bearerAuth: [] }],
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

/** `/tickets/:code/cancel` -> `/tickets/{code}/cancel` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/gu, '{$1}');
}

let cached: Json | undefined;

/** The API description; `serverUrl` is where the API is mounted (default `/api/v1`). */
export function buildOpenApi(endpoints: readonly Endpoint[] = ENDPOINTS): Json {
  if (cached && endpoints === ENDPOINTS) return cached;
  const paths: Record<string, Json> = {};
  for (const e of endpoints) {
    const path = openApiPath(e.path);
    paths[path] = { ...(paths[path] ?? {}), [e.method]: operation(e) };
  }
  const doc: Json = {
    openapi: '3.1.0',
    info: {
      title: 'Autofactura API',
      version: '1',
      description:
        'Admin and point-of-sale API. Authenticate with `Authorization: Bearer <key>`. Keys have role ' +
        '`admin` (everything) or `pos` (tickets only) and see only their own company. Errors are ' +
        '`{"error":{"code","message","fields"?}}`.',
    },
    servers: [{ url: '/api/v1' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: { ...components(requestSchemas, 'input'), ...components(responseSchemas, 'output') },
    },
  };
  if (endpoints === ENDPOINTS) cached = doc;
  return doc;
}
