/**
 * The OpenAPI 3.1 document, generated from the operation table and its zod schemas (`z.toJSONSchema`, whose
 * draft 2020-12 output is OpenAPI 3.1's schema dialect). Nothing here is written by hand per route.
 */
import { z } from 'zod';
import { errorBodySchema } from '../contracts';
import { operations, type Operation } from './operations';

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: '请求不合规 Invalid request (validation issues in `details`)',
  401: '缺少或无效的令牌 Missing or unknown token',
  403: '无权办理 Role or department may not do this',
  404: '不存在 Unknown task, milestone, department or request',
  409: '工作流拒绝 The workflow refused it (reason in `message`)',
  413: '请求体过大 Body too large',
  415: '不接受的文件类型 A kind of file (or body) that is not taken',
  500: '服务器内部错误 Internal error',
  503: 'Temporal 不可用 Temporal cannot be reached',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** `/api/tasks/:number` → `/api/tasks/{number}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** `x-file-name` → `X-File-Name`: a header's name as documents write it (HTTP ignores the case). */
function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function parameters(op: Operation): JsonSchema[] {
  const out: JsonSchema[] = [];
  const IN = { params: 'path', query: 'query', headers: 'header' } as const;
  for (const where of ['params', 'query', 'headers'] as const) {
    const schema = op.input[where];
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      out.push({
        name: where === 'headers' ? headerName(name) : name,
        in: IN[where],
        required: where === 'params' || (object.required ?? []).includes(name),
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
        schema: property,
      });
    }
  }
  if (op.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: '重试时使用同一键，只办理一次 The same key on a retry is applied once and answers the same result.',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    });
  }
  return out;
}

function operationObject(name: string, op: Operation): JsonSchema {
  const responses: Record<string, JsonSchema> = {
    [op.status]: {
      description: STATUS_TEXT[op.status] ?? 'OK',
      content: op.contentType
        ? { [op.contentType]: { schema: { type: 'string' } } }
        : { 'application/json': { schema: op.response ? jsonSchema(op.response, 'output') : { type: 'object' } } },
    },
  };
  const errorStatuses = new Set<number>([...op.errors, 500]);
  if (op.roles) {
    errorStatuses.add(401);
    errorStatuses.add(403);
  }
  for (const status of [...errorStatuses].sort()) {
    if (status === op.status) continue;
    const schema = name === 'health' && status === 503 ? jsonSchema(op.response!, 'output') : ERROR_REF;
    responses[status] = { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema } } };
  }
  const params = parameters(op);
  const roles = op.roles ? `角色 Roles: ${op.roles.join(', ')}.` : undefined;
  const description = [op.description, roles].filter(Boolean).join(' ');
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(description ? { description } : {}),
    tags: [op.path.startsWith('/api/') ? 'api' : 'service'],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.input.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(op.input.body, 'input') } },
          },
        }
      : {}),
    ...(op.requestContentType
      ? {
          requestBody: {
            required: true,
            content: {
              [op.requestContentType]: { schema: { type: 'string', contentMediaType: op.requestContentType } },
            },
          },
        }
      : {}),
    responses,
    security: op.roles ? [{ bearerAuth: [] }] : [],
  };
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** Builds the OpenAPI 3.1 document of every operation in {@link operations}. */
export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, op] of Object.entries(operations) as [string, Operation][]) {
    const path = openApiPath(op.path);
    paths[path] = { ...paths[path], [op.method]: operationObject(name, op) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '督办 Duban API',
      version: '0.1.0',
      description:
        '重点任务督办接口：启动、状态、签核、待办、督办升级。Key-task supervision: start, status, sign-off, ' +
        'inbox, escalations. Every error answers `{ "error": { "code", "message", "details"? } }`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token>' } },
    },
  };
}
