/**
 * The part of the contracts that workflows, worker, API and tests share: task queue and workflow names,
 * message definitions, search attributes, refusal names and the plain types of payloads nobody parses.
 * It loads neither zod nor Node, so the workflow bundle may import its values (lint keeps it so); types of
 * parsed payloads it takes, type-only, from `../schemas`.
 */
export * from './workflows';
export * from './messages';
export * from './search-attributes';
export * from './errors';
export * from './key-task-input';
export * from './update-args';
export * from './delivery-plan';
export * from './sealed';
export * from './supervision';
export * from './notification-start';
