/**
 * Evidence files (佐证材料): `POST /api/files` stores a file's bytes by their SHA-256 and answers
 * `{hash, name, size, type}`, which a milestone's evidence then cites; `GET /api/files/:hash` gives the bytes
 * back as an attachment. The upload's body is raw bytes, read here (after the role check and the name's
 * validation, up to the configured size) instead of by the app's JSON parser. The type is read from the bytes
 * (`api/evidence/file-types.ts`), never taken from the declared `Content-Type`.
 */
import express, { Router, type Request, type RequestHandler } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Words } from '../../contracts';
import type { AppContext } from '../deps';
import { ACCEPTED_FILE_TYPES, detectFileType } from '../evidence';
import { HttpError } from '../errors';
import { mount } from '../middleware/route';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';

/** Whether a request is `POST /api/files`, whose body the app's JSON parser leaves to {@link fileRoutes}. */
export function isFileUpload(req: Request): boolean {
  return req.method === 'POST' && req.path.replace(/\/+$/, '') === '/api/files';
}

const ACCEPTED_LABELS = [...new Set(ACCEPTED_FILE_TYPES.map((t) => t.label.replace(/ \(.*\)$/, '')))].join(', ');

/** `20971520` → `20 MiB`, `1536` → `1.5 KiB`. */
function sizeWords(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}

/** 400: an upload with no bytes. */
export class FileEmptyError extends HttpError {
  constructor() {
    super(400, 'file_empty', {
      zh: '上传的文件为空，请选择有内容的文件',
      en: 'The uploaded file is empty; send the file’s bytes as the request body.',
    });
  }
}

/** 413: an upload over the size limit; `details.limit` is the limit in bytes. */
export class FileTooLargeError extends HttpError {
  constructor(limit: number) {
    super(413, 'file_too_large', tooLargeWords(limit), { limit });
  }
}

function tooLargeWords(limit: number): Words {
  return {
    zh: `文件超过 ${sizeWords(limit)} 的上限，请压缩或拆分后再上传`,
    en: `The file is larger than the limit of ${sizeWords(limit)}; compress or split it.`,
  };
}

const FORM_WORDS: Words = {
  zh: '请直接以文件内容作为请求体上传，而不是表单',
  en: 'Send the file’s bytes as the request body, not a form (multipart or urlencoded).',
};
const KIND_WORDS: Words = {
  zh: `不接受此类型的文件。可上传：${ACCEPTED_LABELS}`,
  en: `This kind of file is not taken. Accepted: ${ACCEPTED_LABELS}.`,
};
const ACCEPTED_TYPES = ACCEPTED_FILE_TYPES.map((t) => t.type);

/** 415: bytes of a kind of file the store does not take, or a form instead of the file's bytes. */
export class FileTypeRefusedError extends HttpError {
  constructor(form = false) {
    super(415, 'file_type_refused', form ? FORM_WORDS : KIND_WORDS, { accepted: ACCEPTED_TYPES });
  }
}

/** 404: no file is stored under the hash. */
export class UnknownFileError extends HttpError {
  constructor() {
    super(404, 'unknown_file', {
      zh: '没有这个文件（哈希值不存在）',
      en: 'No file is stored under this hash.',
    });
  }
}

/** 503: the evidence store (its folder or bucket) failed; the cause is in the API's error log. */
export class EvidenceStoreUnavailableError extends HttpError {
  constructor() {
    super(503, 'evidence_store_unavailable', {
      zh: '佐证材料存储暂不可用，请稍后重试',
      en: 'The evidence store cannot be reached or written now; retry later.',
    });
  }
}

/** The evidence file routes (mounted after authentication). */
export function fileRoutes(deps: AppContext): Router {
  const router = Router();
  const { uploadFile, downloadFile } = operations;
  const limit = deps.evidenceMaxBytes;
  const log = deps.logError ?? console.error;
  const raw = express.raw({ type: () => true, limit });
  /** Reads the body as bytes, up to the limit; a form or a body over the limit is refused. */
  const readBytes: RequestHandler = (req, res, next) => {
    if (req.is(['multipart/form-data', 'application/x-www-form-urlencoded'])) {
      next(new FileTypeRefusedError(true));
      return;
    }
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: unknown } | undefined)?.type === 'entity.too.large') next(new FileTooLargeError(limit));
      else next(err);
    });
  };

  /** Runs a store call; its failure is the store's, not the request's: logged, and answered 503. */
  async function fromStore<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      log(`[api] evidence store ${deps.evidence.where}: ${what} failed:`, err);
      throw new EvidenceStoreUnavailableError();
    }
  }

  mount(router, uploadFile, readBytes, async (req, res) => {
    const { headers } = inputOf(res, uploadFile.input);
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (bytes.length === 0) throw new FileEmptyError();
    const kind = detectFileType(bytes);
    if (!kind) throw new FileTypeRefusedError();
    const name = headers['x-file-name'];
    const { hash, size } = await fromStore('put', () => deps.evidence.put(bytes, { name, type: kind.type }));
    res.status(201).location(`/api/files/${hash}`).json({ hash, name, size, type: kind.type });
  });

  mount(router, downloadFile, async (_req, res) => {
    const { params, query } = inputOf(res, downloadFile.input);
    const file = await fromStore('get', () => deps.evidence.get(params.hash));
    if (!file) throw new UnknownFileError();
    // `attachment` writes `filename="…"` (non-Latin-1 replaced) and RFC 5987 `filename*=UTF-8''…`.
    res.attachment(query.name ?? file.name);
    // Set as stored, after `attachment` (which guesses a type from the name's extension), untouched by Express.
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('ETag', `"${file.hash}"`);
    try {
      await pipeline(file.body, res);
    } catch (err) {
      // Headers are sent: nothing can be answered any more; the connection has been closed by the pipeline.
      // A client that went away mid-download is no fault of the store.
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      log(`[api] evidence store ${deps.evidence.where}: reading ${file.hash} failed:`, err);
    }
  });
  return router;
}
