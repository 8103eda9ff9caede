/**
 * The contracts module: every schema, type and message definition shared by the API, the worker, the
 * workflows, the scripts and the tests. It imports no Node built-ins and does no I/O.
 */
export * from './plan';
export * from './key-task';
export * from './notification';
export * from './messages';
export * from './search-attributes';
export * from './errors';
export * from './api';
