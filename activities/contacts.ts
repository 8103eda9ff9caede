/**
 * The contacts file (`CONTACTS_FILE`): who a department is for the notification channels. Read once at
 * start-up and checked against the plan's department registry, so that a typo in a department id stops
 * the worker with a message naming it instead of silently reaching nobody.
 */
import { readFileSync } from 'node:fs';
import { contactsFileSchema, type ContactsFile, type PlanFile } from '../contracts';

/** Thrown when the contacts file cannot be read, is not valid, or names departments the plan does not have. */
export class ContactsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContactsFileError';
  }
}

/**
 * Validates parsed contacts against the schema and the plan's registry.
 * @throws ContactsFileError listing every problem (path and message) or every unknown department id.
 */
export function parseContacts(data: unknown, plan: Pick<PlanFile, 'departments'>, source = 'contacts'): ContactsFile {
  const parsed = contactsFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new ContactsFileError(`Bad contacts file ${source}: ${issues}`);
  }
  const known = new Set(plan.departments.map((d) => d.id));
  const unknown = Object.keys(parsed.data).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ContactsFileError(
      `Bad contacts file ${source}: unknown department id(s) ${unknown.join(', ')} — ` +
        `联系人文件中有计划中不存在的单位; use the ids of the plan's department registry (GET /api/plan).`,
    );
  }
  return parsed.data;
}

/**
 * Reads and validates a contacts file.
 * @throws ContactsFileError when the file is missing, not JSON, or invalid (see {@link parseContacts}).
 */
export function loadContactsFile(file: string, plan: Pick<PlanFile, 'departments'>): ContactsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ContactsFileError(`Cannot read CONTACTS_FILE ${file}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ContactsFileError(`CONTACTS_FILE ${file} is not JSON: ${(err as Error).message}`);
  }
  return parseContacts(data, plan, file);
}
