/**
 * Evidence files (佐证材料) as the HTTP API and the milestones name them: a file is known by the SHA-256 of its
 * bytes (lowercase hex), which is also what a milestone's evidence keeps, with the name it was given, its size
 * and the type read from its bytes. No Node imports, no I/O.
 */
import { z } from 'zod';

/** A file's SHA-256 in lowercase hex: its name in the evidence store (`GET /api/files/{hash}`). */
export const fileHashSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be the SHA-256 of a file: 64 hexadecimal digits')
  .transform((h) => h.toLowerCase());

/**
 * A file's name as a person gave it: 1–200 characters after trimming (as a milestone's evidence records it),
 * no control characters, no `/` or `\` (a name, not a path), not `.` or `..`. Chinese and any
 * other Unicode letters are welcome.
 */
export const fileNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((n) => !/[\u0000-\u001f\u007f/\\]/.test(n), 'must not hold control characters, / or \\')
  .refine((n) => n !== '.' && n !== '..', 'must be a file name');

/** A stored file as `POST /api/files` answers it and a milestone's evidence records it. */
export const evidenceFileSchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The name given at upload (`X-File-Name`), decoded. */
  name: z.string(),
  /** Bytes. */
  size: z.number().int().positive(),
  /** The media type read from the bytes (never the declared `Content-Type`), e.g. `application/pdf`. */
  type: z.string(),
});
/** A stored file's hash, name, size and type. */
export type EvidenceFile = z.infer<typeof evidenceFileSchema>;

/** The path of `GET /api/files/{hash}`. */
export const fileParamsSchema = z.object({ hash: fileHashSchema });

/** The query of `GET /api/files/{hash}`: `name`, the name to download under (default: the first upload's). */
export const fileDownloadQuerySchema = z.object({
  name: fileNameSchema
    .optional()
    .describe('下载时使用的文件名 The name to save the file under; default: the name of its first upload'),
});

/**
 * The headers of `POST /api/files`: `X-File-Name`, the file's name percent-encoded as UTF-8
 * (`encodeURIComponent`), so that Chinese names travel in an ASCII header.
 */
export const fileUploadHeadersSchema = z.object({
  'x-file-name': z
    .string()
    .describe('文件名，UTF-8 百分号编码 The file name, percent-encoded UTF-8 (encodeURIComponent), e.g. %E6%8A%A5.pdf')
    .transform((raw, ctx) => {
      try {
        return decodeURIComponent(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be percent-encoded UTF-8 (encodeURIComponent)' });
        return z.NEVER;
      }
    })
    .pipe(fileNameSchema),
});
