/**
 * supertest with every 2xx answer checked against the OpenAPI document: the answer's operation is found by
 * method and path in the operations table (`api/operations.ts`, from which `/openapi.json` is generated), its
 * status must be the one the document publishes, and its body must parse with the operation's response
 * schema without any field left over. A mismatch fails the request's promise (and so the test) with the zod issues, so the document
 * cannot drift from what the API sends. API tests import `request` from here instead of `supertest`.
 */
import supertest from 'supertest';
import { z } from 'zod';
import { openApiDocument, openApiPath } from '../api/openapi';
import { operations, type Operation } from '../api/operations';

type App = Parameters<typeof supertest>[0];
type Test = supertest.Test;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

/** The methods of a supertest agent, each answering a request whose 2xx answer is checked. */
export type CheckedAgent = Record<Method, (url: string) => Test>;

const table = Object.values(operations) as Operation[];
const pathPatterns = new Map(
  table.map((op) => [op, new RegExp(`^${op.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`)] as const),
);

/** The operation that answers `method url`, if the operations table has one. */
export function operationFor(method: string, url: string): Operation | undefined {
  const path = new URL(url, 'http://x').pathname;
  return table.find((op) => op.method === method.toLowerCase() && pathPatterns.get(op)!.test(path));
}

let publishedDocument: ReturnType<typeof openApiDocument> | undefined;

/** Whether `/openapi.json` lists `status` with a JSON body schema for the operation. */
function documentPublishes(op: Operation, status: number): boolean {
  publishedDocument ??= openApiDocument();
  const paths = publishedDocument.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  const answer = paths[openApiPath(op.path)]?.[op.method]?.responses?.[String(status)] as
    { content?: Record<string, { schema?: unknown }> } | undefined;
  return answer?.content?.['application/json']?.schema !== undefined;
}

/**
 * Checks one answer: nothing for a non-2xx answer or a page outside the table (the dashboard's); for a 2xx
 * answer of an operation, that its status is the published one and its body parses with its response schema.
 * @throws an error naming the operation, with the zod issues, when the answer is not what the document says.
 */
export function checkAnswer(method: string, url: string, status: number, body: unknown): void {
  if (status < 200 || status >= 300) return;
  const op = operationFor(method, url);
  if (!op) return;
  const where = `${method.toUpperCase()} ${url} (operation ${op.operationId})`;
  if (status !== op.status) {
    throw new Error(`${where} answered ${status}, but the OpenAPI document publishes ${op.status}`);
  }
  if (op.contentType) return; // a page, not JSON
  if (!op.response) {
    if (op.operationId === 'openapi') return; // the document itself
    throw new Error(`${where} answered ${status}, but the operations table gives it no response schema`);
  }
  if (!documentPublishes(op, status)) {
    throw new Error(`${where}: /openapi.json publishes no JSON schema for its ${status} answer`);
  }
  const parsed = op.response.safeParse(body);
  if (!parsed.success) {
    throw new Error(
      `${where} answered ${status} with a body its published response schema refuses:\n${z.prettifyError(parsed.error)}`,
    );
  }
  const unpublished = unknownKeys(body, parsed.data);
  if (unpublished.length > 0) {
    throw new Error(`${where} answered fields its published response schema does not list: ${unpublished.join(', ')}`);
  }
}

/** Paths of the object keys in `sent` that the schema's parse dropped (zod objects strip unknown keys). */
function unknownKeys(sent: unknown, kept: unknown, at = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(kept)) {
    return sent.flatMap((item, i) => unknownKeys(item, kept[i], `${at}[${i}]`));
  }
  if (!isObject(sent) || !isObject(kept)) return [];
  return Object.keys(sent).flatMap((key) =>
    key in kept ? unknownKeys(sent[key], kept[key], `${at}.${key}`) : [`${at}.${key}`.slice(1)],
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `supertest(app)`, with every 2xx answer checked by {@link checkAnswer} before the test sees it. */
export function request(app: App): CheckedAgent {
  const agent = supertest(app);
  const checked =
    (method: Method) =>
    (url: string): Test =>
      agent[method](url).expect((res) => checkAnswer(method, url, res.status, res.body));
  return {
    get: checked('get'),
    post: checked('post'),
    put: checked('put'),
    patch: checked('patch'),
    delete: checked('delete'),
    head: checked('head'),
    options: checked('options'),
  };
}

/**
 * Asserts an error answer: its status and code, and words in both languages (Chinese characters and English
 * words), as every error of the API carries them.
 */
export function expectError(res: { status: number; body: unknown }, status: number, code: string): void {
  const error = (res.body as { error?: { code?: string; message?: { zh: string; en: string } } })?.error;
  expect({ status: res.status, code: error?.code }).toEqual({ status, code });
  expect(error?.message?.zh).toMatch(/[\u3400-\u9fff]/);
  expect(error?.message?.en).toMatch(/[A-Za-z]{3}/);
}
