/** Small statistics and /proc helpers for the benchmarks. Linux only (reads /proc). */
import { readdirSync, readFileSync } from 'node:fs';

/** The p-th percentile (0–100) of `values` by nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (value: number, digits = 2): number =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value;

/** CPU time (user + system) a process has used, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident set size of a process, in MB. */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Bytes a WebSocket frame of `payload` bytes takes on the wire, server to client (unmasked). */
export function wsFrameBytes(payload: number): number {
  return payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);
}

/** One process's memory: resident (RSS) and proportional (PSS: shared pages divided among their users). */
export interface ProcessMemory {
  pid: number;
  name: string;
  rssMB: number;
  pssMB: number;
}

function parentOf(pid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

function memoryOf(pid: number): ProcessMemory | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
    return {
      pid,
      name: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
      rssMB: kb('Rss') / 1024,
      pssMB: kb('Pss') / 1024,
    };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** `root` and every process below it (children, their children…), each with its memory. */
export function processTreeMemory(root: number): ProcessMemory[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const out: ProcessMemory[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const memory = memoryOf(pid);
    if (memory) out.push(memory);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * The server's memory as `npm start` runs it, without the dev chain and LiveKit: the server process, and
 * its embedded PostgreSQL (the postmaster and every backend and helper), in MB.
 */
export function serverMemory(serverPid: number): {
  serverRssMB: number;
  serverPssMB: number;
  databaseRssMB: number;
  databasePssMB: number;
  databaseProcesses: number;
  totalPssMB: number;
} {
  const tree = processTreeMemory(serverPid);
  const server = tree.find((entry) => entry.pid === serverPid);
  const database = tree.filter((entry) => entry.name === 'postgres');
  const sum = (list: ProcessMemory[], key: 'rssMB' | 'pssMB'): number =>
    list.reduce((total, entry) => total + entry[key], 0);
  return {
    serverRssMB: round(server?.rssMB ?? Number.NaN, 1),
    serverPssMB: round(server?.pssMB ?? Number.NaN, 1),
    databaseRssMB: round(sum(database, 'rssMB'), 1),
    databasePssMB: round(sum(database, 'pssMB'), 1),
    databaseProcesses: database.length,
    totalPssMB: round((server?.pssMB ?? Number.NaN) + sum(database, 'pssMB'), 1),
  };
}
