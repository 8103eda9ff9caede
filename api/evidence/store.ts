/**
 * Where evidence files (佐证材料) are kept: by content, under the SHA-256 of their bytes, so that a file is
 * stored once however often it is attached, and a hash names exactly one content. Implementations: a folder
 * (`fs-store.ts`, the default under `DATA_DIR/evidence/`), an S3-compatible bucket (`s3-store.ts`) and this
 * module's in-memory one (an API built without `DATA_DIR`, as in tests).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** What is kept beside a file's bytes: the name and type of its first upload. */
export interface EvidenceMetadata {
  /** The name given at the first upload of these bytes (later uploads may give others; the first is kept). */
  name: string;
  /** The media type read from the bytes. */
  type: string;
}

/** A stored file: its hash, size and metadata. */
export interface StoredEvidence extends EvidenceMetadata {
  /** SHA-256 of the bytes, lowercase hex. */
  hash: string;
  /** Bytes. */
  size: number;
}

/** A stored file being read: its description and its bytes as a stream (read it once). */
export interface EvidenceContent extends StoredEvidence {
  body: Readable;
}

/**
 * A content-addressed store of evidence files. Every method rejects only when the store itself fails (a disk
 * or bucket that cannot be reached or written); an unknown hash is `undefined` or `false`, never an error.
 */
export interface EvidenceStore {
  /**
   * Stores `bytes` under their SHA-256 and answers it with their size. Storing bytes already stored changes
   * nothing (the first metadata stays). When it resolves, the file is complete under its hash; a crash
   * before then leaves nothing under it.
   */
  put(bytes: Buffer, metadata: EvidenceMetadata): Promise<{ hash: string; size: number }>;
  /** The file stored under `hash` (lowercase hex), or undefined when there is none. */
  get(hash: string): Promise<EvidenceContent | undefined>;
  /** Whether a file is stored under `hash`. */
  has(hash: string): Promise<boolean>;
  /** Where the files are, for the start-up line: a folder, `s3://bucket/prefix` or `memory`. */
  readonly where: string;
  /** Releases what the store holds open (the S3 client's connections); nothing for a folder or memory. */
  close?(): Promise<void>;
}

/** SHA-256 of `bytes` in lowercase hex: a file's name in every {@link EvidenceStore}. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether `hash` is written as the stores name files (64 lowercase hex digits). */
export function isFileHash(hash: string): boolean {
  return /^[0-9a-f]{64}$/.test(hash);
}

/** A store that keeps the files in this process's memory only (an API built without `DATA_DIR`). */
export function memoryEvidenceStore(): EvidenceStore {
  const files = new Map<string, { bytes: Buffer; metadata: EvidenceMetadata }>();
  return {
    where: 'memory',
    async put(bytes, metadata) {
      const hash = sha256Hex(bytes);
      if (!files.has(hash)) files.set(hash, { bytes: Buffer.from(bytes), metadata: { ...metadata } });
      return { hash, size: bytes.length };
    },
    async get(hash) {
      const file = files.get(hash);
      if (!file) return undefined;
      return { hash, size: file.bytes.length, ...file.metadata, body: Readable.from([file.bytes]) };
    },
    async has(hash) {
      return files.has(hash);
    },
  };
}
