/**
 * The voice benchmark's link processes (bench/voice/link-process.ts): `count` children sharing the LiveKit
 * sides of the bots that only make load (speakers), at a lower CPU priority (nice 10), and two children
 * at normal priority for the measured bots (the listeners), listeners spread evenly. On one 2-core machine
 * the bots take most of the CPU; in a real world every visitor has a computer of their own, so the load
 * bots yield to the server, LiveKit and the measuring bots instead of delaying what is measured.
 *
 * A link here is a copy of the child's: calls go over IPC, and what it hears is updated from the child's
 * reports (10 a second; frames keep the child's timestamps, taken on this machine's clock).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Heard, Hearing } from '../shared/voice-hearing.js';
import type { LinkRole } from '../shared/voice-bots.js';
import type { VoiceLink } from '../shared/voice-link.js';
import { within } from '../shared/wait.js';
import type { LinkReply, LinkReport, LinkRequest } from './link-process.js';

const ENTRY = fileURLToPath(new URL('./link-process.js', import.meta.url));
/** A copy keeps as many recent frames per identity as the child does at most. */
const KEEP_FRAMES = 400;
/** The load processes' nice value (higher is lower priority). */
const LOAD_NICE = 10;
/** Processes for the measured bots, at normal priority. */
const MEASURING_PROCESSES = 2;

export interface LinkProcesses {
  newLink: (name: string, role: LinkRole) => VoiceLink;
  /** rtc-node handle errors the children counted (see bench/voice/link-process.ts). */
  handleErrors(): number;
  /** Ends every child (their links close with them). */
  close(): Promise<void>;
}

interface Copy {
  lastReadAt: number;
  heard: Set<string>;
  audio: Map<string, Heard & { entry: number }>;
}

type Request = LinkRequest extends infer R ? (R extends { call: number } ? Omit<R, 'call'> : never) : never;

export function linkProcesses(count: number, hearing: Hearing, log: (line: string) => void): LinkProcesses {
  const copies = new Map<string, Copy>();
  const pending = new Map<
    number,
    { child: ChildProcess; resolve: (value?: number) => void; reject: (error: Error) => void }
  >();
  const handleErrors = new Map<ChildProcess, number>();
  let calls = 0;
  let opened = 0;
  /** Links per child, listening ones counted apart (they cost the most: every subscription is decoded). */
  const load = new Map<ChildProcess, { links: number; listening: number }>();
  let closing = false;

  const apply = (report: LinkReport): void => {
    const copy = copies.get(report.id);
    if (!copy) return;
    copy.lastReadAt = report.lastReadAt;
    copy.heard.clear();
    for (const identity of report.heard) copy.heard.add(identity);
    const present = new Set<string>();
    for (const from of report.audio) {
      present.add(from.identity);
      let heard = copy.audio.get(from.identity);
      if (heard?.entry !== from.entry) {
        heard = { entry: from.entry, bytes: 0, frames: [], recorded: 0 };
        copy.audio.set(from.identity, heard);
      }
      heard.bytes = from.bytes;
      heard.firstLoudAt = from.firstLoudAt;
      heard.recorded = from.recorded;
      heard.frames.push(...from.frames);
      if (heard.frames.length > KEEP_FRAMES) heard.frames.splice(0, heard.frames.length - KEEP_FRAMES / 2);
    }
    for (const identity of copy.audio.keys()) if (!present.has(identity)) copy.audio.delete(identity);
  };

  const start = (index: number, nice: number): ChildProcess => {
    // rtc-node logs at debug level to stdout unless NODE_ENV is "production": its output goes to stderr,
    // as the benchmark's stdout must end with its JSON line.
    const child = fork(ENTRY, [hearing], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    child.stdout?.pipe(process.stderr);
    if (child.pid !== undefined && nice !== 0) os.setPriority(child.pid, nice);
    load.set(child, { links: 0, listening: 0 });
    child.on('message', (message: LinkReply) => {
      if (message.type === 'hearing') {
        handleErrors.set(child, message.handleErrors);
        for (const report of message.links) apply(report);
        return;
      }
      const call = pending.get(message.call);
      pending.delete(message.call);
      if (message.error !== undefined) call?.reject(new Error(message.error));
      else call?.resolve(message.value);
    });
    child.on('exit', (code, signal) => {
      if (closing) return;
      log(`  link process ${index + 1} ended (${signal ?? `exit code ${code}`}): its bots lose voice`);
      for (const [call, waiting] of pending)
        if (waiting.child === child) {
          pending.delete(call);
          waiting.reject(new Error(`link process ${index + 1} ended`));
        }
    });
    return child;
  };
  const children = Array.from({ length: count }, (_, index) => start(index, LOAD_NICE));
  const measuring = Array.from({ length: MEASURING_PROCESSES }, (_, index) => start(count + index, 0));

  const ask = (child: ChildProcess, request: Request): Promise<number | undefined> =>
    new Promise((resolve, reject) => {
      if (!child.connected) {
        reject(new Error('its link process has ended'));
        return;
      }
      const call = ++calls;
      pending.set(call, { child, resolve, reject });
      child.send({ ...request, call });
    });

  return {
    newLink: (name, { listen, measured }) => {
      // Among the measuring or the load children, the one with the fewest listening links (for a
      // listener) or links (for a speaker).
      const weight = (c: ChildProcess): number =>
        listen ? load.get(c)!.listening * 1_000 + load.get(c)!.links : load.get(c)!.links;
      const child = (measured ? measuring : children).reduce((best, c) =>
        weight(c) < weight(best) ? c : best,
      );
      load.get(child)!.links += 1;
      if (listen) load.get(child)!.listening += 1;
      const id = `${name}#${++opened}`;
      const copy: Copy = { lastReadAt: 0, heard: new Set(), audio: new Map() };
      copies.set(id, copy);
      const forget = (): void => {
        copy.heard.clear();
        copy.audio.clear();
      };
      const ready = ask(child, { op: 'open', id, listen });
      return {
        heard: copy.heard,
        audio: copy.audio,
        get lastReadAt() {
          return copy.lastReadAt;
        },
        async enter(url, token) {
          await ready;
          await ask(child, { op: 'enter', id, url, token });
        },
        async leave() {
          await ready;
          await ask(child, { op: 'leave', id });
          forget();
        },
        async receivedBytes() {
          return (await ask(child, { op: 'bytes', id })) ?? 0;
        },
        async close() {
          await ask(child, { op: 'close', id }).catch(() => undefined);
          forget();
          copies.delete(id);
        },
      };
    },
    handleErrors: () => [...handleErrors.values()].reduce((sum, n) => sum + n, 0),
    async close() {
      closing = true;
      await Promise.all(
        [...children, ...measuring].map(async (child) => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          if (child.connected) await ask(child, { op: 'exit' }).catch(() => undefined);
          await within(exited, 5_000, () => undefined);
          child.kill('SIGKILL');
        }),
      );
    },
  };
}
