/**
 * A small plan for workflow tests: two tasks, three units, two milestones, with figures on the last one.
 * Built through the real plan schema and domain rules, so the workflow gets what production gives it.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import {
  decideExtensionUpdate,
  planFileSchema,
  requestExtensionUpdate,
  type Extension,
  type KeyTaskInput,
  type Notification,
  type PlanFile,
  type PlanFileInput,
  type WithTaskRow,
} from '../contracts';
import { keyTaskInput } from '../domain/plan';

const dept = (id: string, zh: string, en: string) => ({ id, name: { zh, en }, kind: 'ministry-department' as const });

/**
 * The plan as written. Task 1: lead `alpha`, co `beta` and `gamma`; task 2: `beta` alone; task 3: `alpha`
 * with the collective `locals` (members `east` and `west`, who report), and `beta` with `relevant` (designated).
 */
export const miniPlanInput: PlanFileInput = {
  id: 'mini-plan',
  title: { zh: '测试计划', en: 'Test plan' },
  documentDate: '2030-01-01',
  issuer: '测试',
  departments: [
    dept('alpha', '甲司', 'Alpha'),
    dept('beta', '乙司', 'Beta'),
    dept('gamma', '丙司', 'Gamma'),
    dept('office', '办公厅', 'General Office'),
    dept('inspect', '督导办', 'Supervision Office'),
    { id: 'leaders', name: { zh: '部领导', en: 'Leadership' }, kind: 'leadership' },
    { id: 'locals', name: { zh: '各地', en: 'Local authorities' }, kind: 'collective', members: ['east', 'west'] },
    {
      id: 'relevant',
      name: { zh: '相关司', en: 'Relevant departments' },
      kind: 'collective',
      designatedFrom: ['ministry-department'],
    },
    { id: 'east', name: { zh: '东省教育厅', en: 'East' }, kind: 'local-authority' },
    { id: 'west', name: { zh: '西省教育厅', en: 'West' }, kind: 'local-authority' },
  ],
  roles: { generalOffice: 'office', supervisionOffice: 'inspect', leadership: 'leaders' },
  sections: [{ number: 1, numeral: '一', title: { zh: '测试', en: 'Test' } }],
  tasks: [
    {
      number: 1,
      section: 1,
      title: { zh: '任务一', en: 'Task one' },
      workItems: [
        { text: '第一项', units: ['alpha', 'beta'] },
        { text: '第二项', units: ['gamma'] },
      ],
    },
    {
      number: 2,
      section: 1,
      title: { zh: '任务二', en: 'Task two' },
      workItems: [{ text: '唯一项', units: ['beta'] }],
    },
    {
      number: 3,
      section: 1,
      title: { zh: '任务三', en: 'Task three' },
      workItems: [
        { text: '各地落实', units: ['alpha', 'locals'] },
        { text: '相关司配合', units: ['beta', 'relevant'] },
      ],
    },
  ],
  targets: [
    {
      number: 1,
      text: '目标',
      summary: { zh: '目标', en: 'Target' },
      figures: [
        {
          id: 'share',
          label: { zh: '接入率', en: 'Share online' },
          kind: 'percent',
          value: 95,
          unit: '%',
          population: '学校',
          tasks: [1],
        },
        {
          id: 'people',
          label: { zh: '培训人数', en: 'People trained' },
          kind: 'count',
          value: 800,
          unit: '人',
          population: '干部',
          tasks: [1],
        },
      ],
    },
  ],
  schedule: [
    { id: 'first', title: { zh: '第一节点', en: 'First' }, offsetDays: 30 },
    { id: 'final', title: { zh: '年终', en: 'Year end' }, offsetDays: 120, reportsFigures: true },
  ],
  policy: {
    escalation: [
      { level: 1, afterDays: 0, notify: ['$lead', 'office'] },
      { level: 2, afterDays: 7, notify: ['inspect'] },
      { level: 3, afterDays: 14, notify: ['leaders'] },
    ],
  },
};

/** The validated mini plan. */
export const miniPlan: PlanFile = planFileSchema.parse(miniPlanInput);

/** The workflow input of a mini-plan task started on `startDate`. */
export function miniTaskInput(startDate: string, taskNumber = 1): KeyTaskInput {
  return keyTaskInput(
    miniPlan,
    miniPlan.tasks.find((t) => t.number === taskNumber)!,
    startDate,
  );
}

/** The handle of a running mini-plan task, as the helpers below need it. */
type TaskHandle = Pick<WorkflowHandle, 'executeUpdate'>;

/** The mini plan's lead (`alpha`) asks for `newDueDate` on `milestoneId`; answers the request (or the refusal). */
export function askExtension(
  handle: TaskHandle,
  milestoneId: string,
  newDueDate: string,
  reason = '等待数据',
): Promise<WithTaskRow<Extension>> {
  return handle.executeUpdate(requestExtensionUpdate, {
    args: [{ milestoneId, department: 'alpha', newDueDate, reason, person: '甲', requestId: randomUUID() }],
  });
}

/** The lead asks for `newDueDate` on `milestoneId` and the general office approves; answers the decided request. */
export async function grantExtension(
  handle: TaskHandle,
  milestoneId: string,
  newDueDate: string,
): Promise<WithTaskRow<Extension>> {
  const ext = await askExtension(handle, milestoneId, newDueDate);
  return handle.executeUpdate(decideExtensionUpdate, {
    args: [{ milestoneId, extensionId: ext.id, approve: true, person: '办公厅', requestId: randomUUID() }],
  });
}

/**
 * What every notice about task 1's first milestone of the mini plan carries, for the channel tests to add
 * a kind to (`{ ...miniMilestoneNotice, id, kind: 'reminder', … }`).
 */
export const miniMilestoneNotice = {
  planId: 'mini-plan',
  workflowId: 'mini-plan-task-1',
  taskNumber: 1,
  taskTitle: { zh: '任务一', en: 'Task one' },
  milestoneId: 'first',
  milestoneTitle: { zh: '第一节点', en: 'First' },
  pendingDepartments: ['alpha', 'beta'],
  dueDate: '2030-03-02',
} as const satisfies Partial<Notification>;
