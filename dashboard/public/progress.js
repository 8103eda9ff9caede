// The progress report (进展报告) as the inbox and the task page both take it: its four parts in the order of the
// office's template, what was done (已完成工作) required by the browser as by the API, the rest optional.
import { h } from './dom.js';
import { t } from './i18n.js';

/** The parts of a progress report, as the API names them. */
export const PROGRESS_PARTS = ['done', 'problems', 'coordination', 'nextSteps'];

/**
 * The labelled boxes of a progress report, one per part. `body(department)` answers the report as
 * `POST /api/tasks/:n/progress-reports` takes it: `done` always (an empty one is refused in the API's words), the
 * other parts when written.
 */
export function progressFields() {
  const boxes = PROGRESS_PARTS.map((part) =>
    h('textarea', {
      name: part,
      rows: 2,
      maxlength: 4000,
      required: part === 'done',
      'data-testid': `progress-${part}`,
    }),
  );
  const fields = PROGRESS_PARTS.map((part, i) =>
    h('label', { class: 'field' }, h('span', {}, t(`progress.part.${part}`)), boxes[i]),
  );
  const body = (department) => {
    const report = { department, done: boxes[0].value.trim() };
    PROGRESS_PARTS.slice(1).forEach((part, i) => {
      const text = boxes[i + 1].value.trim();
      if (text) report[part] = text;
    });
    return report;
  };
  return { fields, body };
}
