/**
 * Reading the 2016 work points' source text (a plain-text copy of the published notice) into its parts: the
 * header (title, issuer, date), the core targets of part 二 and the sections, key tasks and work items of
 * part 三. Used by the tests to check the plan file against the document itself, and usable as a starting
 * point when another year's notice, laid out the same way, is turned into a plan file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/paths';

/** Absolute path of the 2016 source text, kept exactly as published. */
export const SOURCE_TEXT_FILE = join(PROJECT_ROOT, 'seeds', '2016-education-informatization-work-points.zh.txt');

/** Reads the 2016 source text. Throws the file system's error when the file is missing. */
export function readSourceText(file: string = SOURCE_TEXT_FILE): string {
  return readFileSync(file, 'utf8');
}

/**
 * Thrown when the text does not have the layout the parser expects. `line` is the 1-based line of the text
 * the problem is on (the last line when a whole part is missing) and `reason` says what is wrong there; the
 * message reads `line N: reason`.
 */
export class DocumentLayoutError extends Error {
  override name = 'DocumentLayoutError';

  constructor(
    /** What is wrong, without the line number. */
    readonly reason: string,
    /** The 1-based line of the text, when the problem has one. */
    readonly line?: number,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
  }
}

/** The notice's header: the document title, who issued it and on which day. */
export interface DocumentHeader {
  title: string;
  issuer: string;
  /** `YYYY-MM-DD`. */
  date: string;
}

/** A core target (part 二) as written. */
export interface DocumentTarget {
  number: number;
  /** The whole paragraph, including its 一是/二是… opening. */
  text: string;
  /** The 1-based line of the text it stands on. */
  line: number;
}

/** A section heading of part 三, such as （一）加强教育信息化统筹部署。 */
export interface DocumentSection {
  number: number;
  numeral: string;
  /** The title as written, without the trailing 。 */
  title: string;
  /** The 1-based line of the text it stands on. */
  line: number;
}

/** A paragraph ending in （责任单位：…）. */
export interface DocumentWorkItem {
  /** The paragraph without its （责任单位：…） tail. */
  text: string;
  /** The responsible units as written, in order (split on 、 and ，). */
  unitNames: string[];
  /** The 1-based line of the text it stands on. */
  line: number;
}

/** A numbered key task of part 三 with its work items. */
export interface DocumentTask {
  number: number;
  section: number;
  /** The title as written after the number, without the trailing 。 */
  title: string;
  workItems: DocumentWorkItem[];
  /** The 1-based line of the text its heading stands on. */
  line: number;
}

/** A whole notice: header, core targets (empty when it has no 核心目标 part), sections and key tasks. */
export interface DocumentNotice {
  header: DocumentHeader;
  targets: DocumentTarget[];
  sections: DocumentSection[];
  tasks: DocumentTask[];
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 一 → 1 … 十 → 10, 十一 → 11 … 十九 → 19, 二十 → 20; throws for anything else. */
export function chineseNumeral(numeral: string, line?: number): number {
  const digit = (c: string) => NUMERALS.indexOf(c) + 1;
  const m = /^([二三四五六七八九]?)十([一二三四五六七八九]?)$/.exec(numeral);
  if (m) return (m[1] ? digit(m[1]) : 1) * 10 + (m[2] ? digit(m[2]) : 0);
  if (numeral.length === 1 && digit(numeral) > 0) return digit(numeral);
  throw new DocumentLayoutError(`unknown Chinese numeral "${numeral}"`, line);
}

/** A non-blank line of the text, trimmed, with its 1-based line number in the text as given. */
interface Line {
  line: string;
  at: number;
}

function lines(source: string): Line[] {
  return source
    .split(/\r?\n/)
    .map((l, i) => ({ line: l.trim(), at: i + 1 }))
    .filter((l) => l.line.length > 0);
}

const PART_HEADING = /^[一二三四五六七八九十]+、/;

/**
 * The lines strictly between the part heading named `name` (such as 三、重点任务, whatever its numeral)
 * and the next part heading (or the end); `undefined` when there is no such part.
 */
function findPart(all: Line[], name: string): Line[] | undefined {
  const from = all.findIndex((l) => PART_HEADING.test(l.line) && l.line.replace(PART_HEADING, '') === name);
  if (from < 0) return undefined;
  const out: Line[] = [];
  for (let i = from + 1; i < all.length && !PART_HEADING.test(all[i]!.line); i++) out.push(all[i]!);
  return out;
}

/** Like {@link findPart}, but a missing part is a {@link DocumentLayoutError} on the text's last line. */
function part(all: Line[], name: string): Line[] {
  const found = findPart(all, name);
  if (!found) {
    throw new DocumentLayoutError(`no part headed “${name}” (such as 三、${name}) in the text`, all.at(-1)?.at ?? 1);
  }
  return found;
}

const ISSUE_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;

function header(all: Line[]): DocumentHeader {
  const dateAt = all.findIndex((l) => ISSUE_DATE.test(l.line));
  if (dateAt < 1) {
    throw new DocumentLayoutError('no issue date such as 2016年2月2日 on a line of its own below the issuer', 1);
  }
  const [, y, m, d] = ISSUE_DATE.exec(all[dateAt]!.line)!;
  return {
    title: all[0]!.line,
    issuer: all[dateAt - 1]!.line,
    date: `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`,
  };
}

/**
 * The header of the notice: its first line is the title, and the issuer and the date
 * (`2016年2月2日`) stand on the two lines before the title is repeated above the body.
 */
export function parseHeader(source: string): DocumentHeader {
  return header(lines(source));
}

function coreTargets(part: Line[]): DocumentTarget[] {
  return part.map(({ line, at }, i) => {
    const m = /^([一二三四五六七八九十]+)是/.exec(line);
    if (!m) throw new DocumentLayoutError('a core target should open with 一是, 二是, …', at);
    const number = chineseNumeral(m[1]!, at);
    if (number !== i + 1) throw new DocumentLayoutError(`core target ${number} out of order`, at);
    return { number, text: line, line: at };
  });
}

/** The core targets of part 二、核心目标, one per paragraph opening 一是, 二是, … */
export function parseCoreTargets(source: string): DocumentTarget[] {
  return coreTargets(part(lines(source), '核心目标'));
}

const SECTION = /^（([一二三四五六七八九十]+)）(.+?)。?$/;
const TASK = /^(\d+)\.\s*(.+?)。?$/;
const WORK_ITEM = /^(.+)（责任单位：([^）]*)）$/;

function keyTasks(part: Line[], end: number): { sections: DocumentSection[]; tasks: DocumentTask[] } {
  const sections: DocumentSection[] = [];
  const tasks: DocumentTask[] = [];
  const checkTask = (task: DocumentTask | undefined) => {
    if (task && task.workItems.length === 0) {
      throw new DocumentLayoutError(`key task ${task.number} has no work item ending in （责任单位：…）`, task.line);
    }
  };
  const checkSection = (section: DocumentSection | undefined) => {
    if (section && !tasks.some((t) => t.section === section.number)) {
      throw new DocumentLayoutError(`section （${section.numeral}） has no numbered key task`, section.line);
    }
  };
  for (const { line, at } of part) {
    const section = SECTION.exec(line);
    const task = TASK.exec(line);
    const item = WORK_ITEM.exec(line);
    if (section) {
      const number = chineseNumeral(section[1]!, at);
      if (number !== sections.length + 1) throw new DocumentLayoutError(`section ${number} out of order`, at);
      checkTask(tasks.at(-1));
      checkSection(sections.at(-1));
      sections.push({ number, numeral: section[1]!, title: section[2]!, line: at });
    } else if (task) {
      const number = Number(task[1]);
      if (number !== tasks.length + 1) throw new DocumentLayoutError(`task ${number} out of order`, at);
      if (sections.length === 0) throw new DocumentLayoutError(`task ${number} before any section`, at);
      checkTask(tasks.at(-1));
      tasks.push({ number, section: sections.length, title: task[2]!, workItems: [], line: at });
    } else if (item) {
      const current = tasks.at(-1);
      if (!current || current.section !== sections.length) {
        throw new DocumentLayoutError('work item before any key task of its section', at);
      }
      const unitNames = item[2]!.split(/[、，,]/).map((u) => u.trim());
      if (unitNames.every((u) => u === '')) throw new DocumentLayoutError('the （责任单位：…） list is empty', at);
      if (unitNames.includes('')) throw new DocumentLayoutError('the （责任单位：…） list has an empty name', at);
      current.workItems.push({ text: item[1]!, unitNames, line: at });
    } else {
      throw new DocumentLayoutError('neither a heading nor a paragraph ending in （责任单位：…）', at);
    }
  }
  checkTask(tasks.at(-1));
  checkSection(sections.at(-1));
  if (tasks.length === 0) throw new DocumentLayoutError('the 重点任务 part has no numbered key task', end);
  return { sections, tasks };
}

/**
 * The sections, key tasks and work items of part 三、重点任务. Every line is a section heading, a numbered
 * task heading or a work item ending in （责任单位：…）; anything else, numbers out of order, a task without
 * work items or an empty unit list is a {@link DocumentLayoutError} naming the line.
 */
export function parseKeyTasks(source: string): { sections: DocumentSection[]; tasks: DocumentTask[] } {
  const all = lines(source);
  return keyTasks(part(all, '重点任务'), all.at(-1)?.at ?? 1);
}

/**
 * A whole notice laid out like the 2016 one: header, core targets (optional part 核心目标) and key tasks
 * (required part 重点任务). Throws {@link DocumentLayoutError} with the line and the reason.
 */
export function parseNotice(source: string): DocumentNotice {
  const all = lines(source);
  if (all.length === 0) throw new DocumentLayoutError('the text is empty', 1);
  const targets = findPart(all, '核心目标');
  return {
    header: header(all),
    targets: targets ? coreTargets(targets) : [],
    ...keyTasks(part(all, '重点任务'), all.at(-1)!.at),
  };
}
