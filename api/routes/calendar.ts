/**
 * The departments' deadline calendars: `GET /api/departments/:id/calendar.ics?feed=TOKEN` (an iCalendar
 * feed for calendar apps, which cannot send a bearer header, so it takes the department's feed token instead
 * and is mounted before bearer authentication) and `POST /api/departments/:id/calendar-feed` (the
 * department's coordinator or an administrator gets a new feed URL; the old token stops working at once).
 */
import { Router, type Request } from 'express';
import path from 'node:path';
import { principalOf } from '../auth/middleware';
import { fileCalendarFeedStore, memoryCalendarFeedStore, type CalendarFeedStore } from '../calendar-feed-tokens';
import { departmentCalendar } from '../calendar-ics';
import type { AppContext } from '../deps';
import { ForbiddenError, HttpError } from '../errors';
import { requireDepartment } from '../lookup';
import { mount } from '../middleware/route';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';
import { statesOf } from './supervision';

/** 401: the calendar feed's token is missing, wrong, or was replaced by a rotation. */
export class InvalidFeedTokenError extends HttpError {
  constructor() {
    super(401, 'invalid_feed_token', {
      zh: '日历订阅地址无效或已被重置，请向本单位联络员索取新的订阅地址',
      en: 'This calendar feed URL is not valid or was replaced; ask your coordinator for the current one.',
    });
  }
}

/** The calendar routes: `feed` (no bearer token; mount before authentication) and `manage` (after it). */
export function calendarRoutes(deps: AppContext): { feed: Router; manage: Router } {
  const store: CalendarFeedStore = deps.config.DATA_DIR
    ? fileCalendarFeedStore(path.join(deps.config.DATA_DIR, 'calendar-feeds'))
    : memoryCalendarFeedStore();
  const now = deps.now ?? Date.now;
  const baseUrl = (req: Request) =>
    (deps.config.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');
  const names = new Map(deps.plan.departments.map((d) => [d.id, d.name]));

  const feed = Router();
  mount(feed, operations.calendarFeed, async (req, res) => {
    const { params, query } = inputOf(res, operations.calendarFeed.input);
    const department = requireDepartment(deps.plan, params.id, 'path');
    if (!query.feed || !(await store.verify(department.id, query.feed))) throw new InvalidFeedTokenError();
    const rows = await deps.taskList.list({ department: department.id });
    // A task whose state cannot be read now is left out of this fetch; calendar apps fetch again within the hour.
    const { states } = await statesOf(deps, rows);
    const base = baseUrl(req);
    const body = departmentCalendar({
      department,
      planTitle: deps.plan.title,
      tasks: states.map(({ row, view }) => ({ workflowId: row.workflowId, view })),
      departmentName: (id) => names.get(id),
      publicUrl: base,
      uidHost: new URL(base).hostname || 'duban.local',
      now: now(),
    });
    res
      .type('text/calendar; charset=utf-8')
      .set('Content-Disposition', `inline; filename="${department.id}-deadlines.ics"`)
      // The feed is one department's private plan data: never kept by a shared cache.
      .set('Cache-Control', 'private, no-store')
      .send(body);
  });

  const manage = Router();
  mount(manage, operations.rotateCalendarFeed, async (req, res) => {
    const { params } = inputOf(res, operations.rotateCalendarFeed.input);
    const department = requireDepartment(deps.plan, params.id, 'path');
    const principal = principalOf(res);
    if (principal.role === 'coordinator' && principal.department !== department.id) {
      throw new ForbiddenError({
        zh: '联络员只能重置本单位的日历订阅',
        en: 'A coordinator may renew only its own department’s calendar feed.',
      });
    }
    const { token, rotatedAt } = await store.rotate(department.id, now());
    const feedUrl = `${baseUrl(req)}/api/departments/${department.id}/calendar.ics?feed=${encodeURIComponent(token)}`;
    res.json({ department: department.id, feedUrl, rotatedAt });
  });
  return { feed, manage };
}
