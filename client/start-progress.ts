/**
 * The progress line of a plan start on a terminal (`npm run plan -- start`, `npm start`'s automatic start):
 * tasks handled of the plan, started and already there, the rate and the time left. On a terminal the line
 * is rewritten in place; in a log (not a TTY) a line is written at each tenth of the plan reached at least
 * 2 s after the last line, and at the end (a plan of 24 tasks prints one line).
 */
import type { StartProgress } from './start-plan';

/** One progress line, e.g. `启动中 starting 3,200/10,000 (32%): 3,100 started, 100 already there, 210/s, ~32 s left`. */
export function startProgressLine(p: StartProgress, elapsedMs: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rate = elapsedMs > 0 ? (p.done / elapsedMs) * 1000 : 0;
  const left = rate > 0 && p.done < p.total ? `, ~${Math.ceil((p.total - p.done) / rate)} s left` : '';
  const pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
  return (
    `启动中 starting ${n(p.done)}/${n(p.total)} (${pct}%): ${n(p.started)} started, ${n(p.existing)} already there, ` +
    `${Math.round(rate)}/s${left}`
  );
}

/** Where a reporter writes: a stream's `write` and whether it is a terminal. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A progress reporter for {@link startPlan}'s `onProgress`. `finish()` ends the line (on a terminal) so that
 * what is printed next starts on a line of its own.
 */
export function startProgressReporter(
  out: ProgressOutput,
  now: () => number = () => performance.now(),
): { onProgress(p: StartProgress): void; finish(): void } {
  const began = now();
  let lastTenth = 0;
  let lastDraw = -Infinity;
  let lastLine = began;
  let drawn = false;
  return {
    onProgress(p) {
      const t = now();
      if (out.isTTY) {
        // A redraw at most every 100 ms, and always the last one.
        if (p.done < p.total && t - lastDraw < 100) return;
        lastDraw = t;
        drawn = true;
        out.write(`\r\x1b[2K${startProgressLine(p, t - began)}`);
        return;
      }
      const tenth = p.total > 0 ? Math.floor((p.done / p.total) * 10) : 10;
      if (p.done < p.total && (tenth === lastTenth || t - lastLine < 2_000)) return;
      lastTenth = tenth;
      lastLine = t;
      out.write(`${startProgressLine(p, t - began)}\n`);
    },
    finish() {
      if (out.isTTY && drawn) out.write('\n');
    },
  };
}
