/**
 * The whole engine as a user starts it (`npx tsx scripts/start.ts`: embedded Temporal, worker, API and the
 * dashboard, the 2016 plan started automatically), on free ports and in a temporary data folder, plus
 * Debian's Chromium driven by playwright-core. Used by the dashboard's end-to-end tests.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { readDemoTokens, type DemoTokens } from '../../support/demo-tokens';
import { freePorts } from '../../support/ports';
import { spawnProcess } from '../../support/os-process';
import { giveUp, waitFor } from '../../support/wait-for';

/** Where Debian installs Chromium (`scripts/install-chromium.sh`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** A running stack: its base URL, the demo tokens it wrote, and how to stop it. */
export interface Stack {
  baseUrl: string;
  /** The dashboard and API as `PUBLIC_URL` names them (`http://localhost:<port>`): the Web UI's codec endpoint's host. */
  publicUrl: string;
  /** The embedded Temporal Web UI (`http://localhost:<port>`), with the API's codec endpoint configured. */
  uiUrl: string;
  /** The embedded Temporal server's frontend, `127.0.0.1:<port>`. */
  temporalAddress: string;
  dataDir: string;
  /** Demo tokens by role (`office`, `admin`, `viewer`) and by department id for coordinators. */
  tokens: DemoTokens;
  /** What the process printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `npx tsx scripts/start.ts` with a fresh `DATA_DIR`, free ports, the plan started on `planStartDate`,
 * and waits until the API is healthy and every task of the plan reports a status.
 * @throws when it does not come up within `timeoutMs`, with what the process printed.
 */
export async function startStack(options: {
  planStartDate: string;
  taskCount: number;
  timeoutMs?: number;
  /** Another plan than the 2016 one (`PLAN_FILE`), e.g. a generated plan of thousands of tasks. */
  planFile?: string;
  /** How long every task may take to report a status once the API is healthy (default 60 s). */
  readyTimeoutMs?: number;
}): Promise<Stack> {
  const [port, temporalPort, uiPort] = await freePorts(3);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'duban-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    AUTO_START_PLAN: 'true',
    PLAN_START_DATE: options.planStartDate,
    LOG_LEVEL: 'warn',
  };
  for (const name of ['TEMPORAL_ADDRESS', 'AUTH_TOKENS_FILE', 'TEMPORAL_UI_URL', 'PUBLIC_URL', 'PLAN_FILE'])
    delete env[name];
  if (options.planFile) env.PLAN_FILE = options.planFile;
  // Its own process group, so that stopping it reaches npx, tsx and the Temporal server alike.
  const engine = spawnProcess('npx', ['tsx', 'scripts/start.ts'], { env, replaceEnv: true, label: 'scripts/start.ts' });
  const output = engine.output;
  const stop = async () => {
    // SIGTERM lets scripts/start.ts close the API, drain the worker and stop its Temporal server.
    await engine.kill('SIGTERM', 40_000);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    const tokensFile = path.join(dataDir, 'demo-tokens.txt');
    await waitFor(
      'the API to be healthy',
      async () => {
        if (!engine.running()) giveUp('scripts/start.ts exited');
        const res = await fetch(`${baseUrl}/healthz`);
        return res.ok && existsSync(tokensFile) ? true : undefined;
      },
      options.timeoutMs ?? 180_000,
    );
    const tokens = readDemoTokens(dataDir);
    await waitFor(
      `all ${options.taskCount} tasks to report a status`,
      async () => {
        const res = await fetch(`${baseUrl}/api/tasks`, { headers: { Authorization: `Bearer ${tokens.office}` } });
        const body = (await res.json()) as { tasks?: { status: string | null }[] };
        const ready = body.tasks?.filter((t) => t.status !== null).length ?? 0;
        return ready === options.taskCount ? true : undefined;
      },
      options.readyTimeoutMs ?? 60_000,
      options.taskCount > 100 ? 2_000 : undefined,
    );
    return {
      baseUrl,
      publicUrl: `http://localhost:${port}`,
      uiUrl: `http://localhost:${uiPort}`,
      temporalAddress: `127.0.0.1:${temporalPort}`,
      dataDir,
      tokens,
      output,
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- scripts/start.ts printed ---\n${output().slice(-4000)}`);
  }
}

/**
 * Launches Debian's Chromium headless in a fresh profile folder (removed on close) and answers its one
 * browser context; the pages of a context share localStorage, as tabs of one browser do.
 * @throws with the install advice when Chromium is missing.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: run scripts/install-chromium.sh (as root).`);
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'duban-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in with `token` on `pathname` through the sign-in form (signing out first when someone is signed in). */
export async function signIn(page: Page, baseUrl: string, token: string, pathname = '/'): Promise<void> {
  await page.goto(`${baseUrl}${pathname}`);
  // Wait until the page shows either who is signed in or the sign-in form, then sign out if someone is.
  await page.locator('[data-testid=sign-out], [data-testid=signin]').first().waitFor();
  const signOut = page.getByTestId('sign-out');
  if (await signOut.isVisible()) await signOut.click();
  const form = page.getByTestId('signin');
  await form.waitFor();
  await page.getByTestId('token-input').fill(token);
  await form.getByRole('button').click();
  try {
    await form.waitFor({ state: 'detached' });
  } catch (err) {
    // Say what the form answered (a refused token, an error), not only that it stayed.
    const said = await form.innerText().catch(() => '');
    throw new Error(`the sign-in form stayed on ${pathname}: ${said}`, { cause: err });
  }
}

/** A stack and a browser on it, started together for one test file. */
export interface BrowserStack {
  stack: Stack;
  context: BrowserContext;
  /** The browser's first page, with `timeoutMs` as its default timeout. */
  page: Page;
  /** Closes the browser, then stops the stack. */
  close(): Promise<void>;
}

/**
 * Starts a stack ({@link startStack}) and Chromium ({@link launchChromium}), and makes the folder for the test's
 * screenshots. If Chromium fails to launch, the stack is stopped before the error is thrown.
 */
export async function startBrowserStack(options: {
  planStartDate: string;
  /** How many tasks the start waits for; with `plan`, its tasks' count by default. */
  taskCount?: number;
  resultsDir: string;
  timeoutMs?: number;
  /** Another plan than the 2016 one, as for {@link startStack}. */
  planFile?: string;
  /** Another plan than the 2016 one, written to a temporary plan file for the stack (removed by `close`). */
  plan?: { tasks: readonly unknown[] };
}): Promise<BrowserStack> {
  mkdirSync(options.resultsDir, { recursive: true });
  const planDir = options.plan ? mkdtempSync(path.join(os.tmpdir(), 'duban-e2e-plan-')) : undefined;
  const planFile = planDir ? path.join(planDir, 'plan.json') : options.planFile;
  if (planDir) writeFileSync(planFile!, JSON.stringify(options.plan));
  const removePlan = () => planDir && rmSync(planDir, { recursive: true, force: true });
  const taskCount = options.taskCount ?? options.plan?.tasks.length;
  if (taskCount === undefined) throw new Error('startBrowserStack needs taskCount, or a plan to count');
  let stack: Stack;
  try {
    stack = await startStack({ ...options, taskCount, ...(planFile ? { planFile } : {}) });
  } catch (err) {
    removePlan();
    throw err;
  }
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  try {
    browser = await launchChromium();
  } catch (err) {
    await stack.stop();
    removePlan();
    throw err;
  }
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(options.timeoutMs ?? 30_000);
  return {
    stack,
    context: browser.context,
    page,
    close: async () => {
      await browser.close();
      await stack.stop();
      removePlan();
    },
  };
}

/**
 * Chromium (as {@link launchChromium}) with its first page signed in to `stack` as `token` through the sign-in
 * form, each wait at most 20 s.
 */
export async function signedInBrowser(
  stack: Stack,
  token: string,
): Promise<{ chromium: Awaited<ReturnType<typeof launchChromium>>; page: Page }> {
  const chromium = await launchChromium();
  const page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
  page.setDefaultTimeout(20_000);
  await signIn(page, stack.baseUrl, token);
  return { chromium, page };
}
