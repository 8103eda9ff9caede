/**
 * The progress line of a plan start (`npm run plan -- start`, `npm start` with a large plan): what it says,
 * and how often it is written to a terminal and to a log.
 */
import { startProgressLine, startProgressReporter } from '../../client/start-progress';

const at = (done: number, started = done, total = 10_000) => ({ total, done, started, existing: done - started });

test('the line says how many tasks are handled of how many, started and already there, the rate and the time left', () => {
  expect(startProgressLine(at(3_200, 3_100), 16_000)).toBe(
    '启动中 starting 3,200/10,000 (32%): 3,100 started, 100 already there, 200/s, ~34 s left',
  );
  expect(startProgressLine(at(10_000), 50_000)).toBe(
    '启动中 starting 10,000/10,000 (100%): 10,000 started, 0 already there, 200/s',
  );
});

test('in a log a line is written at each tenth reached 2 s after the last one, and at the end', () => {
  const written: string[] = [];
  let clock = 0;
  const reporter = startProgressReporter({ write: (s) => written.push(s) }, () => clock);
  for (let done = 1; done <= 1_000; done++) {
    clock = done * 10; // 100 tasks a second: 10 s in all
    reporter.onProgress(at(done, done, 1_000));
  }
  reporter.finish();
  // 2 s after the start is 200 tasks (the third tenth reached after it), then every 2 s: 400, 600, 800, and the end (1,000).
  expect(written.map((line) => /starting ([\d,]+)\//.exec(line)![1])).toEqual(['200', '400', '600', '800', '1,000']);
  expect(written.at(-1)).toContain('1,000/1,000 (100%)');
  expect(written.every((line) => line.endsWith('\n'))).toBe(true);
});

test('a 24-task plan started in a second writes one line to a log', () => {
  const written: string[] = [];
  let clock = 0;
  const reporter = startProgressReporter({ write: (s) => written.push(s) }, () => clock);
  for (let done = 1; done <= 24; done++) {
    clock = done * 40;
    reporter.onProgress(at(done, done, 24));
  }
  expect(written).toEqual([expect.stringContaining('24/24 (100%): 24 started')]);
});

test('on a terminal the line is redrawn in place at most every 100 ms, always at the end, then ended', () => {
  const written: string[] = [];
  let clock = 0;
  const reporter = startProgressReporter({ write: (s) => written.push(s), isTTY: true }, () => clock);
  for (let done = 1; done <= 100; done++) {
    clock = done * 10; // one task every 10 ms: a redraw every tenth task
    reporter.onProgress(at(done, done, 100));
  }
  reporter.finish();
  expect(written.slice(0, -1).every((s) => s.startsWith('\r\x1b[2K'))).toBe(true);
  expect(written.length).toBeGreaterThanOrEqual(10);
  expect(written.length).toBeLessThanOrEqual(12);
  expect(written.at(-2)).toContain('100/100 (100%)');
  expect(written.at(-1)).toBe('\n');
});
