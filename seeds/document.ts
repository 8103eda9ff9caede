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

/** Thrown when the text does not have the layout the parser expects; names the line. */
export class DocumentLayoutError extends Error {
  override name = 'DocumentLayoutError';
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
}

/** A section heading of part 三, such as （一）加强教育信息化统筹部署。 */
export interface DocumentSection {
  number: number;
  numeral: string;
  /** The title as written, without the trailing 。 */
  title: string;
}

/** A paragraph ending in （责任单位：…）. */
export interface DocumentWorkItem {
  /** The paragraph without its （责任单位：…） tail. */
  text: string;
  /** The responsible units as written, in order (split on 、 and ，). */
  unitNames: string[];
}

/** A numbered key task of part 三 with its work items. */
export interface DocumentTask {
  number: number;
  section: number;
  /** The title as written after the number, without the trailing 。 */
  title: string;
  workItems: DocumentWorkItem[];
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 一 → 1 … 十 → 10; throws for anything else. */
export function chineseNumeral(numeral: string): number {
  const n = NUMERALS.indexOf(numeral) + 1;
  if (n === 0) throw new DocumentLayoutError(`unknown Chinese numeral "${numeral}"`);
  return n;
}

function lines(source: string): string[] {
  return source
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** The lines strictly between the part heading `start` and the next part heading (or the end). */
function part(source: string, start: string): { line: string; at: number }[] {
  const all = lines(source);
  const from = all.indexOf(start);
  if (from < 0) throw new DocumentLayoutError(`part heading "${start}" not found`);
  const out: { line: string; at: number }[] = [];
  for (let i = from + 1; i < all.length; i++) {
    if (/^[一二三四五六七八九十]、/.test(all[i]!)) break;
    out.push({ line: all[i]!, at: i + 1 });
  }
  return out;
}

/**
 * The header of the notice: its first line is the title, and the issuer and the date
 * (`2016年2月2日`) stand on the two lines before the title is repeated above the body.
 */
export function parseHeader(source: string): DocumentHeader {
  const all = lines(source);
  const dateAt = all.findIndex((l) => /^\d{4}年\d{1,2}月\d{1,2}日$/.test(l));
  if (dateAt < 1) throw new DocumentLayoutError('no issue date such as 2016年2月2日 found');
  const [, y, m, d] = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(all[dateAt]!)!;
  return {
    title: all[0]!,
    issuer: all[dateAt - 1]!,
    date: `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`,
  };
}

/** The core targets of part 二、核心目标, one per paragraph opening 一是, 二是, … */
export function parseCoreTargets(source: string): DocumentTarget[] {
  return part(source, '二、核心目标').map(({ line, at }, i) => {
    const m = /^([一二三四五六七八九十])是/.exec(line);
    if (!m) throw new DocumentLayoutError(`line ${at}: a core target should open with 一是, 二是, …`);
    const number = chineseNumeral(m[1]!);
    if (number !== i + 1) throw new DocumentLayoutError(`line ${at}: core target ${number} out of order`);
    return { number, text: line };
  });
}

const SECTION = /^（([一二三四五六七八九十]+)）(.+?)。?$/;
const TASK = /^(\d+)\.\s*(.+?)。?$/;
const WORK_ITEM = /^(.+)（责任单位：([^）]+)）$/;

/**
 * The sections, key tasks and work items of part 三、重点任务. Every line is a section heading, a numbered
 * task heading or a work item ending in （责任单位：…）; anything else, or numbers out of order, is a
 * {@link DocumentLayoutError} naming the line.
 */
export function parseKeyTasks(source: string): { sections: DocumentSection[]; tasks: DocumentTask[] } {
  const sections: DocumentSection[] = [];
  const tasks: DocumentTask[] = [];
  for (const { line, at } of part(source, '三、重点任务')) {
    const section = SECTION.exec(line);
    const task = TASK.exec(line);
    const item = WORK_ITEM.exec(line);
    if (section) {
      const number = chineseNumeral(section[1]!);
      if (number !== sections.length + 1) throw new DocumentLayoutError(`line ${at}: section ${number} out of order`);
      sections.push({ number, numeral: section[1]!, title: section[2]! });
    } else if (task) {
      const number = Number(task[1]);
      if (number !== tasks.length + 1) throw new DocumentLayoutError(`line ${at}: task ${number} out of order`);
      if (sections.length === 0) throw new DocumentLayoutError(`line ${at}: task ${number} before any section`);
      tasks.push({ number, section: sections.length, title: task[2]!, workItems: [] });
    } else if (item) {
      const current = tasks.at(-1);
      if (!current) throw new DocumentLayoutError(`line ${at}: work item before any task`);
      current.workItems.push({ text: item[1]!, unitNames: item[2]!.split(/[、，]/).map((u) => u.trim()) });
    } else {
      throw new DocumentLayoutError(`line ${at}: neither a heading nor a paragraph ending in （责任单位：…）`);
    }
  }
  return { sections, tasks };
}
