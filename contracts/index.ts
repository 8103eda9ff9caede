/**
 * Every contract, for Node-side code (API, worker, activities, scripts, tests): the zod-free `shared/`
 * part and the zod `schemas/` of what crosses an edge. Workflow and domain code import values from
 * `contracts/shared` only, never from here, which would load zod into the workflow bundle.
 */
export * from './shared';
export * from './schemas';
