/**
 * The evidence store in a folder (default `DATA_DIR/evidence/`): each file under `<first two hex digits>/<hash>`,
 * its metadata beside it in `<hash>.json`, both mode 0600. A file is written to `tmp/` first, flushed to disk
 * and then renamed under its hash, so a crash or a full disk never leaves a half file under a hash; bytes
 * already stored are not written again. API replicas may share the folder: a rename is atomic, and two
 * replicas storing the same bytes at once write the same content.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isFileHash, sha256Hex, type EvidenceMetadata, type EvidenceStore } from './store';

/** Temporary files older than this are left by a process that stopped mid-write, and removed at start. */
const STALE_TEMP_MS = 60 * 60 * 1000;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

async function writeDurably(file: string, data: Buffer | string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'wx', 0o600);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle?.close();
  }
}

/** Flushes a folder's entries (the renames into it) to disk; some file systems cannot, which is no harm. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // e.g. EINVAL or EISDIR where directories cannot be opened or synced
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The store in `folder` (created when first written). Removes in the background what a stopped process left
 * in its `tmp/` more than an hour ago.
 */
export function fileEvidenceStore(folder: string): EvidenceStore {
  const root = path.resolve(folder);
  const tmp = path.join(root, 'tmp');
  const bytesPath = (hash: string) => path.join(root, hash.slice(0, 2), hash);
  const metadataPath = (hash: string) => `${bytesPath(hash)}.json`;
  const tempPath = (hash: string) => path.join(tmp, `${hash}.${process.pid}.${randomBytes(6).toString('hex')}.part`);

  void (async () => {
    const now = Date.now();
    for (const name of await readdir(tmp).catch(() => [] as string[])) {
      const file = path.join(tmp, name);
      const info = await stat(file).catch(() => undefined);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true }).catch(() => undefined);
    }
  })();

  /** Writes `data` to a temporary file and renames it to `target`; the temporary file never stays. */
  async function writeAtomically(hash: string, target: string, data: Buffer | string): Promise<void> {
    const temp = tempPath(hash);
    try {
      await writeDurably(temp, data);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async function has(hash: string): Promise<boolean> {
    if (!isFileHash(hash)) return false;
    try {
      return (await stat(bytesPath(hash))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async function metadataOf(hash: string): Promise<EvidenceMetadata> {
    try {
      const parsed = JSON.parse(await readFile(metadataPath(hash), 'utf8')) as Partial<EvidenceMetadata>;
      if (typeof parsed.name === 'string' && typeof parsed.type === 'string') {
        return { name: parsed.name, type: parsed.type };
      }
    } catch (err) {
      if (!isMissing(err) && !(err instanceof SyntaxError)) throw err;
    }
    // Metadata lost or damaged (by hand): the bytes are still the file; serve them under their hash.
    return { name: hash, type: 'application/octet-stream' };
  }

  return {
    where: root,
    has,
    async put(bytes, metadata) {
      const hash = sha256Hex(bytes);
      if (await has(hash)) return { hash, size: bytes.length };
      const folder = path.dirname(bytesPath(hash));
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await mkdir(tmp, { recursive: true, mode: 0o700 });
      // The metadata first: once the bytes are under their hash, their metadata is there too.
      const record = JSON.stringify({ ...metadata, size: bytes.length, storedAt: new Date().toISOString() });
      await writeAtomically(hash, metadataPath(hash), record);
      await writeAtomically(hash, bytesPath(hash), bytes);
      await syncFolder(folder);
      return { hash, size: bytes.length };
    },
    async get(hash) {
      if (!isFileHash(hash)) return undefined;
      let handle: FileHandle;
      try {
        handle = await open(bytesPath(hash), 'r');
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      try {
        const [{ size }, metadata] = await Promise.all([handle.stat(), metadataOf(hash)]);
        return { hash, size, ...metadata, body: handle.createReadStream() };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },
  };
}
