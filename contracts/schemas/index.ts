/**
 * The zod schemas of what crosses an edge of the engine, each beside its `z.infer` type: the plan file,
 * the contacts file, the notification log and the HTTP API's requests and answers (the task view among
 * them, since the OpenAPI document publishes it). Node-side code only: the workflow bundle must not load zod.
 */
export * from './plan';
export * from './task-view';
export * from './notification';
export * from './api';
export * from './keyring';
export * from './scores';
export * from './items';
export * from './office';
export * from './evidence';
