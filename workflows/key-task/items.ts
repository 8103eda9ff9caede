/**
 * Work-item responsibility, as pure rules over a milestone's items (runs started with work-item
 * responsibility; a milestone of an older run has no `items` and keeps the task-wide rule of state.ts).
 *
 * A milestone is signed item by item: an item's co-units (the designated and added ones among them) sign and
 * the members of its collectives (the provinces) report first, its lead signs last; the task's lead closes the
 * milestone last of all, signing the items it leads in the same act. Units waived for the milestone owe nothing,
 * a collective part closed early by the item's lead owes nothing more, and a designated collective nobody was
 * designated for yet blocks nothing. State.ts, requests.ts and transitions.ts all take these rules from here.
 */
import type { MilestoneItem, MilestoneItemView } from '../../contracts';
import type { MilestoneRecord } from './state';

/** The task's lead on a milestone (it closes it): the lead of its first item, as `required` records it. */
export function taskLeadOf(m: Pick<MilestoneRecord, 'required'>): string {
  return m.required.find((r) => r.role === 'lead')!.department;
}

/** Whether the office waived `department` for this milestone of the item. */
export function isWaived(item: MilestoneItem, department: string): boolean {
  return item.waived.some((w) => w.department === department);
}

/** An item's co-units: its own, then the designated ones. */
export function coUnitsOf(item: MilestoneItem): string[] {
  return [...new Set([...item.co, ...item.designations.flatMap((d) => d.designated)])];
}

/** Every department that acts on an item: lead, co-units, designated units and collectives' members. */
export function unitsOf(item: MilestoneItem): string[] {
  return [...new Set([item.lead, ...coUnitsOf(item), ...item.collectives.flatMap((c) => c.members)])];
}

/** The collective's part of an item whose member is `department`, if any. */
export function partOf(item: MilestoneItem, department: string): MilestoneItem['collectives'][number] | undefined {
  return item.collectives.find((c) => c.members.includes(department));
}

/** Whether a collective's part is done: closed early, waived, or every member not waived has reported. */
function partDone(item: MilestoneItem, c: MilestoneItem['collectives'][number]): boolean {
  return membersPending(item, c).length === 0;
}

/** Members of a collective's part that still have to report. */
export function membersPending(item: MilestoneItem, c: MilestoneItem['collectives'][number]): string[] {
  if (c.closure || isWaived(item, c.id)) return [];
  const reported = new Set(c.reports.map((r) => r.department));
  return c.members.filter((d) => !reported.has(d) && !isWaived(item, d));
}

/** Departments that approved item `index` in the milestone's current round. */
function signedOn(m: MilestoneRecord, index: number, extra: readonly string[] = []): Set<string> {
  const round = m.rounds.at(-1);
  const signed = new Set(extra);
  for (const s of round?.signOffs ?? []) {
    if (s.decision === 'approve' && s.workItems.includes(index)) signed.add(s.department);
  }
  return signed;
}

/** What an item still waits for: co-units and members (`before`), then its lead (`lead`, null once signed). */
export function itemProgress(
  m: MilestoneRecord,
  index: number,
  alsoSigned: readonly string[] = [],
): { before: string[]; lead: string | null; signed: string[] } {
  const item = m.items![index]!;
  const signed = signedOn(m, index, alsoSigned);
  const before = [
    ...coUnitsOf(item).filter((d) => !signed.has(d) && !isWaived(item, d)),
    ...item.collectives.flatMap((c) => membersPending(item, c)),
  ];
  const lead = signed.has(item.lead) || isWaived(item, item.lead) ? null : item.lead;
  return { before: [...new Set(before)], lead, signed: [...signed] };
}

/**
 * Units that still owe something on an itemized milestone, in the order they act: co-units and members,
 * then the items' leads, the task's lead last (it closes). A returned milestone waits for the task's lead.
 */
export function itemizedPending(m: MilestoneRecord): string[] {
  const taskLead = taskLeadOf(m);
  if (m.state === 'returned') return [taskLead];
  if (m.state !== 'open') return [];
  const progress = m.items!.map((_, i) => itemProgress(m, i));
  const order = [
    ...progress.flatMap((p) => p.before),
    ...progress.flatMap((p) => (p.lead && p.lead !== taskLead ? [p.lead] : [])),
  ].filter((d) => d !== taskLead);
  return [...new Set(order), taskLead];
}

/** An item on a milestone with its progress derived, as the task view shows it. */
export function itemView(m: MilestoneRecord, index: number): MilestoneItemView {
  const item = m.items![index]!;
  const p = itemProgress(m, index);
  const open = m.state === 'open' || m.state === 'returned';
  const done = m.state === 'completed' || (p.before.length === 0 && p.lead === null);
  return {
    ...item,
    pending: open ? [...p.before, ...(p.lead ? [p.lead] : [])] : [],
    signed: p.signed,
    done,
    awaitingDesignation: item.designations.filter((d) => d.designated.length === 0).map((d) => d.id),
    progress: item.collectives.map((c) => ({
      id: c.id,
      reported: new Set(c.reports.map((r) => r.department)).size,
      total: c.members.length,
      done: partDone(item, c),
    })),
  };
}

/** What one approval by a department does on an itemized milestone. */
export interface SignOffPlan {
  /** The items (0-based) it signs. */
  items: number[];
  /** Whether it closes the milestone (the task's lead, with nothing else outstanding). */
  closes: boolean;
}

/**
 * What an approval by `department` (of item `workItem`, or of everything it may sign now) does: the items
 * whose co-unit it is and has not signed; the items it leads whose co-units and members are done; and, for
 * the task's lead when every other item is done, the close, which signs the items it leads as well.
 */
export function signOffPlan(m: MilestoneRecord, department: string, workItem?: number): SignOffPlan {
  const items = m.items!;
  const taskLead = taskLeadOf(m);
  const indices = workItem === undefined ? items.map((_, i) => i) : [workItem];
  const signs: number[] = [];
  for (const i of indices) {
    const item = items[i]!;
    const p = itemProgress(m, i);
    if (p.before.includes(department) && coUnitsOf(item).includes(department)) signs.push(i);
    else if (p.lead === department && department !== taskLead && p.before.length === 0) signs.push(i);
  }
  if (department !== taskLead) return { items: signs, closes: false };
  if (workItem !== undefined && items[workItem]!.lead !== taskLead && signs.length > 0) {
    return { items: signs, closes: false };
  }
  // The close: with this act's signatures, every item is done but for the task lead's own signature.
  const closes = items.every((item, i) => {
    const p = itemProgress(m, i, signs.includes(i) ? [department] : []);
    return p.before.length === 0 && (p.lead === null || p.lead === taskLead);
  });
  if (!closes) return { items: workItem !== undefined && items[workItem]!.lead === taskLead ? [] : signs, closes };
  const own = items.flatMap((item, i) => (itemProgress(m, i).lead === taskLead ? [i] : []));
  return { items: [...new Set([...signs, ...own])].sort((a, b) => a - b), closes: true };
}

/** The items (0-based) on which a department has a part of any kind on this milestone. */
export function itemsOf(m: MilestoneRecord, department: string): number[] {
  return m.items!.flatMap((item, i) => (unitsOf(item).includes(department) ? [i] : []));
}
