/**
 * `npx tsx bench/cpu-profile-top.ts FILE.cpuprofile [--top N]`: where a V8 CPU profile (from
 * `npm run bench -- --cpu-prof DIR`) spent its time: the functions with the most self time, and the self time
 * by place (a package of `node_modules`, a project file, Node's internals, the garbage collector, idle).
 * Percentages are of the busy time (idle left out).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../embedded/binaries';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The place a frame's code lives: `pkg:@temporalio/client`, a project path, `node:internal`, or a V8 pseudo-frame. */
export function placeOf(url: string, functionName: string): string {
  if (!url) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return `pkg:${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node:internal');
  const file = url.replace(/^file:\/\//, '');
  return path.isAbsolute(file) ? path.relative(PROJECT_ROOT, file) : file;
}

/** Self time in ms by function and by place, busy time and idle time. */
export function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fns = new Map<string, number>();
  const places = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      if (functionName === '(idle)') idle += us;
      else busy += us;
      if (functionName === '(idle)') continue;
    } else busy += us;
    const place = placeOf(url, functionName);
    const fn = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    places.set(place, (places.get(place) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / busy) * 1000) / 10 }));
  return { busyMs: Math.round(busy / 1000), idleMs: Math.round(idle / 1000), top, fns, places };
}

function main(argv: string[]): void {
  const file = argv[0];
  if (!file) {
    console.error('Usage: npx tsx bench/cpu-profile-top.ts FILE.cpuprofile [--top N]');
    process.exitCode = 2;
    return;
  }
  const n = argv.includes('--top') ? Number(argv[argv.indexOf('--top') + 1]) : 25;
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  console.log(`${path.basename(file)}: busy ${s.busyMs} ms, idle ${s.idleMs} ms`);
  console.log('\nself time by place:');
  for (const r of s.top(s.places, n))
    console.log(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}`);
  console.log('\nself time by function:');
  for (const r of s.top(s.fns, n))
    console.log(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}`);
}

main(process.argv.slice(2));
