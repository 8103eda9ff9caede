/**
 * The evidence store in an S3-compatible bucket (Amazon S3, MinIO, Ceph RGW, the cloud object stores of
 * Chinese providers): each file is the object `<prefix><hash>`, its type the object's `Content-Type` and its
 * name the user metadata `x-amz-meta-file-name` (percent-encoded UTF-8: metadata travels in ASCII headers).
 * An object appears whole when its upload completes, so no half file is ever under a hash; bytes already
 * stored are not uploaded again. The bucket must exist; the store never creates or deletes one.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { isFileHash, sha256Hex, type EvidenceStore } from './store';

/** Where and how the bucket is reached (from `EVIDENCE_S3_*`, see `api/deps.ts`). */
export interface S3EvidenceOptions {
  bucket: string;
  /** Key prefix of the files, e.g. `evidence/` (default none). */
  prefix?: string;
  /** The service's URL, e.g. `http://127.0.0.1:9000`; unset: Amazon S3 of `region`. */
  endpoint?: string;
  /** Default `us-east-1` (most S3-compatible servers accept any). */
  region?: string;
  /** Unset: the SDK's own chain (`AWS_ACCESS_KEY_ID`…, a shared profile, an instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which most self-hosted servers need; default: with `endpoint`. */
  forcePathStyle?: boolean;
}

/** The user-metadata key holding the file's name (sent as `x-amz-meta-file-name`). */
const NAME_KEY = 'file-name';

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.$metadata?.httpStatusCode === 404 || e.name === 'NotFound' || e.name === 'NoSuchKey';
}

/** The store in `options.bucket`. */
export function s3EvidenceStore(options: S3EvidenceOptions): EvidenceStore {
  const prefix = options.prefix ?? '';
  const config: S3ClientConfig = {
    region: options.region ?? 'us-east-1',
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    // Many S3-compatible servers know no CRC32 checksum headers: send and check them only where S3 requires.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // An unreachable store must fail a request within the API's own time, not hang it.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    maxAttempts: 3,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const client = new S3Client(config);
  const key = (hash: string) => `${prefix}${hash}`;

  async function has(hash: string): Promise<boolean> {
    if (!isFileHash(hash)) return false;
    try {
      await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: key(hash) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  return {
    where: `s3://${options.bucket}/${prefix}`,
    has,
    async close() {
      client.destroy();
    },
    async put(bytes, metadata) {
      const hash = sha256Hex(bytes);
      if (await has(hash)) return { hash, size: bytes.length };
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key(hash),
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: metadata.type,
          Metadata: { [NAME_KEY]: encodeURIComponent(metadata.name) },
        }),
      );
      return { hash, size: bytes.length };
    },
    async get(hash) {
      if (!isFileHash(hash)) return undefined;
      let answer;
      try {
        answer = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key(hash) }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      let name = hash;
      try {
        name = decodeURIComponent(answer.Metadata?.[NAME_KEY] ?? hash);
      } catch {
        // metadata written by hand, not percent-encoded: serve the file under its hash
      }
      if (!(answer.Body instanceof Readable)) throw new Error(`S3 answered ${key(hash)} without a body stream`);
      return {
        hash,
        size: answer.ContentLength ?? 0,
        name,
        type: answer.ContentType ?? 'application/octet-stream',
        body: answer.Body,
      };
    },
  };
}
