/**
 * The workflow entry point the worker bundles. Every workflow type the worker runs is exported here.
 */
export { keyTaskWorkflow } from './key-task/workflow';
export { notificationWorkflow } from './notification';
export { noticeNumbersWorkflow, supervisionNoticeWorkflow } from './supervision-notice';
