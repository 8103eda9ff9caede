/**
 * What a notification says, in Chinese first with an English line: the subject and the facts (task,
 * milestone, pending units by their Chinese names, due date, how late, the dashboard link). Shared by the
 * e-mail and the console line so that every channel says the same thing.
 */
import type { Bilingual, Notification } from '../contracts';

/** How department ids and links are shown. */
export interface TextContext {
  /** The department's name (Chinese and English), or undefined for an unknown id (then the id is shown). */
  departmentName: (id: string) => Bilingual | undefined;
  /** Base URL of the dashboard, without a trailing slash. */
  publicUrl: string;
}

/** The facts of a notification as label/value lines, Chinese label first. */
export interface MessageText {
  subject: string;
  /** One-sentence headline in Chinese. */
  headline: string;
  /** The same in English. */
  english: string;
  /** Labelled facts, in display order. */
  facts: { label: string; value: string }[];
  link: string;
}

/** The dashboard link of a notification's task. */
export function taskLink(publicUrl: string, taskNumber: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/tasks/${taskNumber}`;
}

/** The printable page of a month's bulletin (`YYYY-MM`). */
export function bulletinLink(publicUrl: string, month: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/bulletins/${month}/print`;
}

/** The link a notification carries: its task's page, or a bulletin's printable page. */
export function noticeLink(publicUrl: string, n: Pick<Notification, 'kind' | 'taskNumber' | 'milestoneId'>): string {
  return n.kind === 'bulletin' ? bulletinLink(publicUrl, n.milestoneId) : taskLink(publicUrl, n.taskNumber);
}

function names(ids: string[], ctx: TextContext, lang: 'zh' | 'en'): string {
  if (ids.length === 0) return lang === 'zh' ? '无' : 'none';
  return ids.map((id) => ctx.departmentName(id)?.[lang] ?? id).join(lang === 'zh' ? '、' : ', ');
}

/** Composes the subject, headline, English line and facts of a notification. Pure; never throws. */
export function messageText(n: Notification, ctx: TextContext): MessageText {
  const task = `任务${n.taskNumber}「${n.taskTitle.zh}」`;
  const taskEn = `key task ${n.taskNumber} "${n.taskTitle.en}"`;
  const ms = `“${n.milestoneTitle.zh}”`;
  const msEn = `"${n.milestoneTitle.en}"`;
  let subject: string;
  let headline: string;
  let english: string;
  switch (n.kind) {
    case 'reminder': {
      const d = n.daysBefore ?? 0;
      const when = d === 0 ? '今日到期' : `将于${d}天后（${n.dueDate}）到期`;
      subject = `【督办提醒】${task}${ms}${when}`;
      headline = `${task}的节点${ms}${when}，请尚未签核的单位及时办理。`;
      english = `Reminder: milestone ${msEn} of ${taskEn} is due ${d === 0 ? 'today' : `in ${d} day(s), on ${n.dueDate}`}; units that have not signed off, please act.`;
      break;
    }
    case 'escalation':
      subject = `【督办升级·第${n.level ?? 1}级】${task}${ms}已逾期${n.daysLate ?? 0}天`;
      headline = `${task}的节点${ms}已逾期${n.daysLate ?? 0}天，督办升级至第${n.level ?? 1}级。`;
      english = `Escalation level ${n.level ?? 1}: milestone ${msEn} of ${taskEn} is ${n.daysLate ?? 0} day(s) overdue.`;
      break;
    case 'returned':
      subject = `【退回】${task}${ms}被退回，请修改后重新提交`;
      headline = `${task}的节点${ms}被退回，请牵头单位修改后重新提交。`;
      english = `Returned: milestone ${msEn} of ${taskEn} was returned; the lead unit should revise and resubmit.`;
      break;
    case 'extension-requested':
      subject = `【延期申请】${task}${ms}申请延期${n.newDueDate ? `至${n.newDueDate}` : ''}`;
      headline = `${task}的牵头单位申请将节点${ms}延期${n.newDueDate ? `至${n.newDueDate}` : ''}，请办公厅审批。`;
      english = `Extension requested: the lead unit asks to move milestone ${msEn} of ${taskEn}${n.newDueDate ? ` to ${n.newDueDate}` : ''}; the General Office decides.`;
      break;
    case 'extension-decided': {
      const verdict = n.approved === false ? '未获批准' : n.approved ? '已获批准' : '已处理';
      const verdictEn = n.approved === false ? 'declined' : n.approved ? 'approved' : 'decided';
      subject = `【延期审批】${task}${ms}延期申请${verdict}`;
      headline = `${task}的节点${ms}延期申请${verdict}，当前截止日期为${n.dueDate}。`;
      english = `Extension ${verdictEn}: milestone ${msEn} of ${taskEn} is now due on ${n.dueDate}.`;
      break;
    }
    case 'overdue': {
      if (n.workItem === undefined) {
        // An escalation step's chase: to every unit still pending, whatever it owes.
        subject = `【逾期催办】${task}${ms}已逾期${n.daysLate ?? 0}天，请即办理`;
        headline = `${task}的节点${ms}已过截止日期${n.dueDate}，逾期${n.daysLate ?? 0}天，督办已升级至第${n.level ?? 1}级，请尚未办理的单位即办。`;
        english = `Overdue: milestone ${msEn} of ${taskEn} passed its due date ${n.dueDate} ${n.daysLate ?? 0} day(s) ago and is escalated to level ${n.level ?? 1}; units still pending, please act now.`;
        break;
      }
      const item = `第${(n.workItem ?? 0) + 1}项工作`;
      subject = `【逾期】${task}${ms}${item}：尚未报送`;
      headline = `${task}的节点${ms}已过截止日期${n.dueDate}，${item}尚未报送的单位请即报送，并告知该项牵头单位。`;
      english = `Overdue: milestone ${msEn} of ${taskEn} passed its due date ${n.dueDate}; units that have not reported on work item ${(n.workItem ?? 0) + 1}, please report now (the item's lead is told).`;
      break;
    }
    case 'bulletin':
      subject = `【通报】${n.milestoneTitle.zh}`;
      headline = `${n.milestoneTitle.zh}已印发，请审阅。${n.comment ?? ''}`;
      english = `Bulletin: ${n.milestoneTitle.en}. ${n.taskTitle.en}`;
      break;
    case 'round-cap-reached':
      subject = `【退回次数已满】${task}${ms}已被退回${n.rejections ?? ''}次，请办公厅决定`;
      headline = `${task}的节点${ms}已被退回${n.rejections ?? ''}次，达到上限，请办公厅决定再开一轮或按现状办结；在此之前牵头单位不能重新提交。`;
      english = `Rejection limit reached: milestone ${msEn} of ${taskEn} has been rejected ${n.rejections ?? ''} times; the General Office decides whether another round opens or it closes as it stands (the lead cannot resubmit until then).`;
      break;
    case 'round-decided': {
      const close = n.roundDecision === 'close';
      subject = `【办公厅决定】${task}${ms}${close ? '按现状办结' : '再开一轮'}`;
      headline = close
        ? `办公厅决定：${task}的节点${ms}按现状办结，下一节点已开始。`
        : `办公厅决定：${task}的节点${ms}再开一轮，请牵头单位修改后重新提交。`;
      english = close
        ? `General Office decision: milestone ${msEn} of ${taskEn} is closed as it stands; the next milestone is open.`
        : `General Office decision: milestone ${msEn} of ${taskEn} gets another round; the lead unit may revise and resubmit.`;
      break;
    }
    case 'responsibility-changed': {
      const item = `第${(n.workItem ?? 0) + 1}项工作`;
      subject = `【责任调整】${task}${item}的责任单位有变化`;
      headline = `${task}${item}的责任单位已调整（节点${ms}起），请查看任务页面。`;
      english = `Responsibility changed: the units of work item ${(n.workItem ?? 0) + 1} of ${taskEn} changed (from milestone ${msEn}); see the task page.`;
      break;
    }
    case 'supervision-notice': {
      const no = n.noticeNumber ?? '督办单';
      subject = `【督办单 ${no}】${task}${ms}已逾期${n.daysLate ?? 0}天，请于${n.answerBy}前答复`;
      headline = `${task}的节点${ms}已逾期${n.daysLate ?? 0}天，现发出${no}，请所列单位于${n.answerBy}前答复整改措施和完成时限。`;
      english = `Supervision notice ${no}: milestone ${msEn} of ${taskEn} is ${n.daysLate ?? 0} day(s) overdue; each unit named, answer by ${n.answerBy} what it will do and by when.`;
      break;
    }
    case 'supervision-overdue': {
      const no = n.noticeNumber ?? '督办单';
      subject = `【督办单逾期未复】${no}：${task}${ms}`;
      headline = `${no}已过答复期限${n.answerBy}，尚有单位未答复，请督导办跟进。`;
      english = `Supervision notice ${no} passed its answer date ${n.answerBy} with units unanswered; the supervision office follows up.`;
      break;
    }
    case 'chase':
      subject = `【催办】${task}${ms}：请尚未办理的单位即办`;
      headline = `办公厅催办${task}的节点${ms}（截止日期${n.dueDate}），请尚未办理的单位即办。`;
      english = `Chase from the General Office: milestone ${msEn} of ${taskEn} (due ${n.dueDate}); units still pending, please act now.`;
      break;
    case 'approval-voided':
      subject = `【须重新签核】${task}${ms}被退回，贵单位的签核须重新办理`;
      headline = `${task}的节点${ms}被退回，贵单位本轮已给出的同意作废，待牵头单位重新提交后须重新签核。`;
      english = `Approval voided: milestone ${msEn} of ${taskEn} was returned; your approval in this round no longer counts and must be given again once the lead resubmits.`;
      break;
    case 'closure-submitted':
      subject = `【办结审核】${task}${ms}已报送办结，请审核销号`;
      headline = `${task}的牵头单位已报送节点${ms}办结及佐证材料，请审核：审核通过予以销号，不通过退回重办。`;
      english = `Closure review: the lead submitted milestone ${msEn} of ${taskEn} as done, with its evidence; close it or return it to be done again.`;
      break;
    case 'closure-returned':
      subject = `【退回重办】${task}${ms}办结审核未通过`;
      headline = `${task}的节点${ms}办结审核未通过，已退回重办，请各责任单位重新办理并签核。`;
      english = `Returned to be done again: milestone ${msEn} of ${taskEn} did not pass the closure review; a new round of sign-offs is open.`;
      break;
    case 'closure-closed':
      subject = `【销号】${task}${ms}已审核销号`;
      headline = `${task}的节点${ms}已通过办结审核，予以销号。`;
      english = `Closed: milestone ${msEn} of ${taskEn} passed the closure review and is closed.`;
      break;
    case 'coordination-requested':
      subject = `【协调事项】${task}：责任单位请求协调`;
      headline = `${task}的责任单位请求协调：${n.comment ?? ''}。请研究协调并记录结果。`;
      english = `Coordination requested on ${taskEn}: ${n.comment ?? ''}. Please coordinate and record how it was settled.`;
      break;
    case 'coordination-settled':
      subject = `【协调结果】${task}：协调事项已办结`;
      headline = `${task}的协调事项已协调办结：${n.comment ?? ''}。`;
      english = `Coordination settled on ${taskEn}: ${n.comment ?? ''}.`;
      break;
    case 'receipt-reminder':
      subject = `【签收提醒】${task}${ms}：请于今日（${n.answerBy ?? n.dueDate}）签收`;
      headline = `${task}的节点${ms}已交办，贵单位尚未签收，今日（${n.answerBy ?? n.dueDate}）为签收期限，请签收或说明不属本单位职责的理由。`;
      english = `Receipt reminder: milestone ${msEn} of ${taskEn} was assigned and your unit has not signed for it; today (${n.answerBy ?? n.dueDate}) is the last day: sign for it, or dispute it with your reason.`;
      break;
    case 'receipt-disputed':
      subject = `【签收异议】${task}${ms}：责任单位认为不属本单位职责`;
      headline = `${task}的节点${ms}有责任单位提出签收异议：${n.comment ?? ''}。请办公厅确认责任单位或转交其他单位。`;
      english = `Receipt disputed on milestone ${msEn} of ${taskEn}: ${n.comment ?? ''}. Please confirm the unit or hand its part to another.`;
      break;
    case 'receipt-settled':
      subject = `【异议处理】${task}${ms}：签收异议已处理`;
      headline = `办公厅已处理${task}节点${ms}的签收异议：${n.comment ?? ''}。请相关单位签收办理。`;
      english = `Receipt dispute decided on milestone ${msEn} of ${taskEn}: ${n.comment ?? ''}. The unit responsible now, please sign for it.`;
      break;
    case 'progress-reminder':
      subject = `【进展报送提醒】${task}：请于今日报送${n.period ?? ''}月度进展`;
      headline = `${task}的${n.period ?? ''}月度工作进展今日（${n.dueDate}）报送截止，请牵头单位报送已完成工作、存在问题、需协调事项和下一步安排。`;
      english = `Progress report due: ${taskEn}'s report for ${n.period ?? ''} is due today (${n.dueDate}); the lead unit, please report what was done, problems, matters needing coordination and next steps.`;
      break;
    case 'progress-missed':
      subject = `【进展催报】${task}未按期报送${n.period ?? ''}月度进展`;
      headline = `${task}的${n.period ?? ''}月度工作进展应于${n.dueDate}前报送，牵头单位未按期报送，请即报送。`;
      english = `Progress report missed: ${taskEn}'s report for ${n.period ?? ''} was due on ${n.dueDate} and was not filed; the lead unit, please report now.`;
      break;
    case 'stalled':
      subject = `【停滞预警】${task}已${n.daysLate ?? ''}天无进展`;
      headline = `${task}已连续${n.daysLate ?? ''}天无进展报告、签核或其他办理记录，列为停滞任务，请牵头单位说明情况并推进。`;
      english = `Stalled: ${taskEn} has had no report, sign-off or other act for ${n.daysLate ?? ''} days; the lead unit, please explain and move it on.`;
      break;
    case 'resubmitted':
      subject = `【重新提交】${task}${ms}已重新提交，请重新签核`;
      headline = `${task}的牵头单位已重新提交节点${ms}，请贵单位重新签核（截止日期${n.dueDate}）。`;
      english = `Resubmitted: the lead resubmitted milestone ${msEn} of ${taskEn}; it is back for your sign-off (due ${n.dueDate}).`;
      break;
  }
  if (n.kind === 'bulletin') {
    return {
      subject,
      headline,
      english,
      facts: [
        { label: '通报 Bulletin', value: n.milestoneTitle.zh },
        { label: '截至 As of', value: n.dueDate },
        { label: '发送对象 Sent to', value: names(n.departments, ctx, 'zh') },
      ],
      link: noticeLink(ctx.publicUrl, n),
    };
  }
  const facts: { label: string; value: string }[] = [
    { label: '任务 Task', value: `${n.taskNumber}. ${n.taskTitle.zh} (${n.taskTitle.en})` },
    { label: '节点 Milestone', value: `${n.milestoneTitle.zh} (${n.milestoneTitle.en})` },
    { label: '截止日期 Due date', value: n.dueDate },
    {
      label: '待办单位 Pending units',
      value: `${names(n.pendingDepartments, ctx, 'zh')} (${names(n.pendingDepartments, ctx, 'en')})`,
    },
  ];
  if (n.kind === 'reminder') facts.push({ label: '距截止 Days left', value: `${n.daysBefore ?? 0} 天 day(s)` });
  if (n.daysLate !== undefined && n.daysLate > 0 && n.kind !== 'stalled') {
    facts.push({ label: '逾期 Days late', value: `${n.daysLate} 天 day(s)` });
  }
  if (n.level !== undefined) facts.push({ label: '督办级别 Escalation level', value: String(n.level) });
  if (n.comment) facts.push({ label: '说明 Comment', value: n.comment });
  if (n.noticeNumber) facts.push({ label: '督办单 Notice', value: n.noticeNumber });
  if (n.answerBy) facts.push({ label: '答复期限 Answer by', value: n.answerBy });
  facts.push({ label: '发送对象 Sent to', value: names(n.departments, ctx, 'zh') });
  return { subject, headline, english, facts, link: taskLink(ctx.publicUrl, n.taskNumber) };
}
