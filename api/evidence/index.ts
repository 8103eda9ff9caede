/**
 * Evidence files (佐证材料): the content-addressed store (`store.ts`, with a folder and an S3-compatible
 * implementation) and the kinds of file it takes, read from the bytes (`file-types.ts`). The HTTP side is
 * `api/routes/files.ts`; milestones keep only each file's hash, name, size and type.
 */
export * from './store';
export * from './file-types';
export { fileEvidenceStore } from './fs-store';
export { s3EvidenceStore, type S3EvidenceOptions } from './s3-store';
