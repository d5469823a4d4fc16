/**
 * zod as the one source of truth for request validation and the OpenAPI document: the same schema
 * validates a body (unknown fields refused, every failing path reported) and describes it in /docs-json.
 * Response schemas are registered by name so the generated client has named types.
 */
import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { Problem } from './problem.js';

type JsonSchema = Record<string, unknown>;

/** Named response schemas → components.schemas of the OpenAPI document. */
const apiRegistry = z.registry<{ id: string }>();

/** Registers a response schema under a name in the OpenAPI document; returns the schema. */
export function named<T extends z.ZodType>(id: string, schema: T): T {
  apiRegistry.add(schema, { id });
  return schema;
}

const REF_PREFIX = '#/components/schemas/';

function toOpenApi(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = apiRegistry.get(schema)?.id;
  if (id && io === 'output') return { $ref: `${REF_PREFIX}${id}` };
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    // Named schemas nested inside another become references to the document's components.
    ...(io === 'output' ? { metadata: apiRegistry } : {}),
  }) as JsonSchema;
  // Definitions zod collected are named schemas, already in the document's components.
  delete json.$defs;
  delete json.definitions;
  const documented = JSON.parse(
    JSON.stringify(json).replace(/"#\/(\$defs|definitions)\//g, `"${REF_PREFIX}`),
  ) as JsonSchema;
  if (io === 'input') refuseNul(documented);
  return documented;
}

/** ECMA and Python regex alike: no U+0000 anywhere. */
const WITHOUT_NUL = '^[^\\u0000]*$';

/**
 * Gives every free-form input string the pattern WITHOUT_NUL: ZodPipe refuses U+0000 in any input
 * (nulAt), and the document should say so (schemathesis generated it as valid and was refused).
 */
function refuseNul(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(refuseNul);
  if (!node || typeof node !== 'object') return;
  const schema = node as JsonSchema;
  const free = ['pattern', 'format', 'enum', 'const'].every((keyword) => schema[keyword] === undefined);
  if (schema.type === 'string' && free) schema.pattern = WITHOUT_NUL;
  for (const value of Object.values(schema)) refuseNul(value);
}

/** Adds every named schema to the document's components (call once, after SwaggerModule.createDocument). */
export function addNamedSchemas(document: OpenAPIObject): OpenAPIObject {
  const { schemas } = z.toJSONSchema(apiRegistry, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
    uri: (name) => `${REF_PREFIX}${name}`,
  });
  for (const schema of Object.values(schemas)) delete (schema as { $id?: string }).$id;
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ...(schemas as Record<string, object>) };
  return document;
}

/**
 * Where `value` holds a string (or key) with U+0000, as a path, else undefined. PostgreSQL's text and
 * jsonb cannot store it, so such input got a 500 from the database; it is refused here with its path
 * (found by schemathesis: a NUL in GET /worlds?cursor=).
 */
export function nulAt(value: unknown, depth = 0): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : undefined;
  if (value === null || typeof value !== 'object' || depth > 100) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [key.replaceAll('\u0000', '\\0')];
    const inner = nulAt(item, depth + 1);
    if (inner) return [key, ...inner];
  }
  return undefined;
}

class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly where: 'body' | 'query' | 'path',
    private readonly name?: string,
  ) {}

  transform(value: unknown): z.output<T> {
    const nul = nulAt(value);
    if (nul)
      throw Problem.fields([
        {
          path: [this.where, ...(this.name ? [this.name] : []), ...nul].join('.'),
          message: 'must not contain the NUL character (U+0000); remove it',
        },
      ]);
    const result = this.schema.safeParse(value ?? (this.where === 'query' ? {} : undefined));
    if (!result.success) {
      if (this.name) result.error.issues.forEach((issue) => issue.path.unshift(this.name!));
      throw Problem.validation(this.where, result.error);
    }
    return result.data;
  }
}

/** A path parameter validated by `schema` (so a malformed id is a 400 naming the parameter, not a 500). */
export function ZodParam(name: string, schema: z.ZodType, description?: string): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('ZodParam decorates method parameters only');
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor) throw new Error(`ZodParam: ${String(key)} is not a method`);
    ApiParam({ name, required: true, schema: toOpenApi(schema, 'input'), description })(
      target,
      key,
      descriptor,
    );
    Param(name, new ZodPipe(schema, 'path', name))(target, key, index);
  };
}

/**
 * A body parameter validated by `schema` (400 validation-failed with paths on failure) and documented as
 * `documented` (the same schema unless the handler validates further itself, as scene writes do).
 */
export function ZodBody(schema: z.ZodType, documented: z.ZodType = schema): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('ZodBody decorates method parameters only');
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor) throw new Error(`ZodBody: ${String(key)} is not a method`);
    ApiBody({ required: true, schema: toOpenApi(documented, 'input') })(target, key, descriptor);
    Body(new ZodPipe(schema, 'body'))(target, key, index);
  };
}

/** Query parameters validated as one object by `schema` and documented one by one. */
export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('ZodQuery decorates method parameters only');
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor) throw new Error(`ZodQuery: ${String(key)} is not a method`);
    const json = toOpenApi(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {}))
      ApiQuery({
        name,
        required: json.required?.includes(name) ?? false,
        schema: property,
        description: typeof property.description === 'string' ? property.description : undefined,
      })(target, key, descriptor);
    Query(new ZodPipe(schema, 'query'))(target, key, index);
  };
}

/**
 * Documents a success response whose body matches `schema` (or no body), as JSON unless `mediaType`
 * says otherwise.
 */
export function Returns(
  status: number,
  schema?: z.ZodType,
  description = 'OK',
  mediaType?: string,
): MethodDecorator {
  if (schema && mediaType)
    return ApiResponse({
      status,
      description,
      content: { [mediaType]: { schema: toOpenApi(schema, 'output') } },
    });
  return ApiResponse({
    status,
    description,
    ...(schema ? { schema: toOpenApi(schema, 'output') } : {}),
  });
}

/** Documents a response whose body is a file of one of `mediaTypes` (a range such as `image/*` allowed). */
export function ReturnsFile(status: number, mediaTypes: string[], description: string): MethodDecorator {
  return ApiResponse({
    status,
    description,
    content: Object.fromEntries(
      mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
    ),
  });
}

const problemResponse = () => ({
  description: 'application/problem+json',
  content: { 'application/problem+json': { schema: { $ref: `${REF_PREFIX}Problem` } } },
});

/** Documents the problem responses a route can give. */
export function Fails(...statuses: number[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const status of statuses) ApiResponse({ status, ...problemResponse() })(target, key, descriptor);
  };
}

/** The operation keys of an OpenAPI path item. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Adds the problem responses every operation of a kind can give where its controller did not list them:
 * 401 everywhere (a credential that is presented and not valid is refused even where none is needed),
 * 400 where it takes parameters or a body (malformed input), 404 where its path names something.
 */
export function documentCommonProblems(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths))
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
      const statuses = ['401'];
      if (parameters.length > 0 || operation.requestBody) statuses.push('400');
      if (parameters.some((parameter) => 'in' in parameter && parameter.in === 'path')) statuses.push('404');
      for (const status of statuses) operation.responses[status] ??= problemResponse();
    }
  return document;
}

export const problemSchema = named(
  'Problem',
  z.object({
    type: z.string().describe('Stable identifier of the kind of problem, urn:mib:problem:<kind>.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('What went wrong and how to fix it.'),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('For validation-failed: every failing field, as a dotted path.'),
    quota: z.string().optional().describe('For quota-exceeded: the quota that would be exceeded.'),
    limit: z.number().optional(),
    // The members below were sent but not documented until schemathesis said so (ST108).
    code: z
      .string()
      .optional()
      .describe('For embed problems: a stable code, e.g. origin-not-allowed, key-revoked, world-private.'),
    currentEtag: z.string().optional().describe('For 412 on a draft: the ETag the draft has now.'),
    note: z.string().optional().describe('For a draft patch that breaks the scene: that nothing was saved.'),
    limits: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .describe(
        "For a publish over the world's scene limits: each limit with its total (as in SceneBudget).",
      ),
    heaviest: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .describe('With limits: the heaviest entities (as in SceneBudget).'),
  }),
);
