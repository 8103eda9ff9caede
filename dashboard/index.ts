/**
 * The dashboard: static, build-free pages (HTML, small ES modules, one CSS file) in `dashboard/public/`,
 * served by the API's own Express app. The pages talk only to the public API with the user's bearer token;
 * nothing here reads Temporal or the tokens file.
 */
import express, { Router, type RequestHandler } from 'express';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/paths';

/** The folder the pages are served from (from the project root, so that the built `dist/` serves them too). */
export const DASHBOARD_DIR = path.join(PROJECT_ROOT, 'dashboard', 'public');

/** The page addresses the single-page app answers with `index.html` (its router draws the page). */
export const DASHBOARD_PAGES = ['/', '/inbox', '/targets', '/bulletins', '/tasks/:number'] as const;

/**
 * Everything the pages load comes from this server: no CDN, no outside fonts, no outside requests. The
 * policy makes the browser enforce it, and keeps the pages from being framed by another site.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
};

/**
 * Builds the router that serves the dashboard: its static files, and `index.html` for the page addresses
 * {@link DASHBOARD_PAGES} so that a reload or a shared link to `/tasks/7` opens that page. Mount it on the
 * API app before the 404 handler; it answers nothing under `/api`, so authentication and the API's own
 * routes are untouched. Files are revalidated on every load (`no-cache`), so a new version shows at once.
 * It never throws; a missing file falls through to the app's 404.
 */
export function dashboardRouter(options: { root?: string } = {}): Router {
  const root = options.root ?? DASHBOARD_DIR;
  const router = Router();
  const page: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-cache');
    res.sendFile('index.html', { root }, (err) => {
      if (err) next(err);
    });
  };
  router.get(DASHBOARD_PAGES as unknown as string[], securityHeaders, page);
  const files = express.static(root, {
    index: false,
    redirect: false,
    setHeaders: (res) => res.set('Cache-Control', 'no-cache'),
  });
  router.use((req, res, next) => {
    // The API's paths are left to the API, with none of the pages' headers.
    if (req.path.startsWith('/api/') || req.path === '/api') {
      next();
      return;
    }
    securityHeaders(req, res, () => void files(req, res, next));
  });
  return router;
}
