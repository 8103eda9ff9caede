// What keeps the board usable with thousands of tasks: each section shows its first rows and a button for
// more (the page never holds ten thousand table rows), and a search box that filters the rows the board
// already holds, at once, without asking the API again. Used by board.js; kept apart from its drawing.
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** Rows a section shows at first, and how many more each click on its button adds. */
export const PAGE_ROWS = 50;

/**
 * How many rows each section shows: {@link PAGE_ROWS} at first, more on request. `reset()` goes back to the
 * first page everywhere (when a filter changes, the rows are others).
 */
export function createSectionPaging() {
  const limits = new Map();
  return {
    limit: (section) => limits.get(section) ?? PAGE_ROWS,
    more: (section) => limits.set(section, (limits.get(section) ?? PAGE_ROWS) + PAGE_ROWS),
    reset: () => limits.clear(),
  };
}

/**
 * Whether `row` matches the search text: its number (as typed, e.g. `17`), or a part of its title in either
 * language (case ignored). An empty search matches every row.
 */
export function matchesSearch(row, search) {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  if (/^\d+$/.test(q)) return String(row.number).startsWith(q);
  return row.title.zh.toLowerCase().includes(q) || row.title.en.toLowerCase().includes(q);
}

/**
 * The button under a section's table that shows the next rows, with how many it shows of how many; null
 * when every row is shown.
 */
export function moreRowsButton(section, shown, total, onMore) {
  if (shown >= total) return null;
  return h(
    'div',
    { class: 'more-rows no-print' },
    h('span', { class: 'muted small', 'data-testid': 'section-shown' }, t('board.rowsShown', { shown, total })),
    h(
      'button',
      { type: 'button', 'data-testid': 'more-rows', 'data-section': section, onclick: onMore },
      t('board.moreRows', { n: Math.min(PAGE_ROWS, total - shown) }),
    ),
  );
}

/**
 * The board's search box. The same element is put back at every redraw and keeps its focus and caret, so
 * typing is never interrupted; `onSearch` runs at most once an animation frame, however fast one types.
 */
export function createSearchBox(initial, onSearch) {
  let pending = false;
  const input = h('input', {
    type: 'search',
    'data-testid': 'filter-search',
    value: initial,
    placeholder: t('board.searchPlaceholder'),
    'aria-label': t('board.search'),
    oninput: () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        onSearch(input.value);
      });
    },
  });
  const element = h('label', { class: 'search' }, h('span', {}, t('board.search')), input);
  return {
    element,
    /** Call after a redraw: gives the focus back to the box if it had it before. */
    keepFocus(hadFocus) {
      if (!hadFocus || document.activeElement === input) return;
      const at = input.selectionStart;
      input.focus();
      if (at !== null) input.setSelectionRange(at, at);
    },
    hasFocus: () => document.activeElement === input,
  };
}
