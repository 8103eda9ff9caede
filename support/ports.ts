/**
 * Free ports for the servers and processes tests and the benchmark start.
 */
import fs from 'node:fs';
import net from 'node:net';

/** Ports this process has handed out already, so two calls never return the same port. */
const handedOut = new Set<number>();

/**
 * The lowest port of the kernel's ephemeral range. Outgoing connections and `listen(0)` (the dev server's
 * internal services among them) take ports from that range at any moment, so a port picked inside it can be
 * gone by the time a process listens on it; ports are picked below it instead.
 */
function ephemeralFloor(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > 12_000 ? n : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether a port can be listened on, on every address (as the API does) and on the loopback. */
async function canListen(port: number): Promise<boolean> {
  for (const host of ['::', '0.0.0.0', '127.0.0.1']) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', (err: NodeJS.ErrnoException) =>
        resolve(err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL'),
      );
      s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
    });
    if (!ok) return false;
  }
  return true;
}

/**
 * Ports that were free a moment ago, picked at random below the kernel's ephemeral range (see
 * {@link ephemeralFloor}) and never the same twice in one process.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ceiling = ephemeralFloor();
  const floor = ceiling - 10_000;
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > 1_000) throw new Error(`no free port found between ${floor} and ${ceiling}`);
    const port = floor + Math.floor(Math.random() * (ceiling - floor));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    ports.push(port);
  }
  return ports;
}
