/**
 * One link process of the voice benchmark: runs the LiveKit side (bench/shared/voice-link.ts) of some of
 * its bots, as its parent (bench/voice/link-processes.ts) asks over IPC, and sends back what every link
 * hears, 10 times a second.
 *
 * Why a process of its own: rtc-node decodes every subscribed track on one thread per process and hands
 * every FFI event (each captured frame, each stats answer) to every room of the process. With 36 bots in
 * one process both filled a core, and LiveKit connections took over 20 s; spread over a few processes
 * they share the machine's cores and each sees a few rooms' events only.
 */
import { keepNativeLogsNative } from './quiet-rtc-node.js';
import { dispose } from '@livekit/rtc-node';
import type { Heard, Hearing } from '../shared/voice-hearing.js';
import { roomLink, type RoomLink } from '../shared/voice-link.js';

export type LinkRequest =
  | { call: number; op: 'open'; id: string; listen: boolean }
  | { call: number; op: 'enter'; id: string; url: string; token: string }
  | { call: number; op: 'leave' | 'bytes' | 'close'; id: string }
  | { call: number; op: 'exit' };

/** What one link received from one identity since the last report. */
export interface HeardReport {
  identity: string;
  /** Tells a new subscription to the same identity from the last one. */
  entry: number;
  bytes: number;
  firstLoudAt?: number;
  recorded: number;
  /** Frames recorded since the last report. */
  frames: Array<[number, number]>;
}

export interface LinkReport {
  id: string;
  lastReadAt: number;
  heard: string[];
  audio: HeardReport[];
}

export type LinkReply =
  | { type: 'reply'; call: number; value?: number; error?: string }
  | { type: 'hearing'; links: LinkReport[]; handleErrors: number };

/** The hearing mode its parent passes as the first argument (bench/voice/link-processes.ts). */
function hearingOf(argument: string | undefined): Hearing {
  if (argument === 'decoded' || argument === 'packets') return argument;
  process.stderr.write(
    `bench:voice link process: the first argument must be "decoded" or "packets" (got ${JSON.stringify(argument)}); it is started by bench/voice/link-processes.ts\n`,
  );
  process.exit(2);
}

keepNativeLogsNative();

const REPORT_EVERY_MS = 100;
const hearing = hearingOf(process.argv[2]);
const links = new Map<string, RoomLink>();
const entries = new WeakMap<Heard, { entry: number; sent: number }>();
let nextEntry = 0;
/**
 * rtc-node sometimes releases one native handle twice while rooms and streams are torn down fast (bots
 * switching rooms): it throws "trying to drop an invalid handle" from native code, outside any call of
 * ours. That costs nothing measured here, so it is counted (the figures' rtcNodeHandleErrors) instead of
 * ending the process; any other uncaught error still does.
 */
let handleErrors = 0;

process.on('uncaughtException', (error: Error) => {
  if (/trying to drop an invalid handle/.test(error.message)) {
    handleErrors += 1;
    return;
  }
  process.stderr.write(`bench:voice link process: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
// The parent is gone (ended or killed): nothing left to do.
process.on('disconnect', () => process.exit(0));

function reply(message: LinkReply): void {
  process.send?.(message);
}

function linkOf(id: string): RoomLink {
  const link = links.get(id);
  if (!link) throw new Error(`no link "${id}" in this process`);
  return link;
}

async function handle(request: LinkRequest): Promise<number | undefined> {
  switch (request.op) {
    case 'open':
      links.set(request.id, roomLink(hearing, request.listen));
      return undefined;
    case 'enter':
      await linkOf(request.id).enter(request.url, request.token);
      return undefined;
    case 'leave':
      await linkOf(request.id).leave();
      return undefined;
    case 'bytes':
      return linkOf(request.id).receivedBytes();
    case 'close':
      await linkOf(request.id).close();
      links.delete(request.id);
      return undefined;
    case 'exit':
      clearInterval(reporter);
      await Promise.all([...links.values()].map((link) => link.close().catch(() => undefined)));
      await dispose();
      process.send?.({ type: 'reply', call: request.call }, () => process.exit(0));
      return undefined;
  }
}

function reportOf(id: string, link: RoomLink): LinkReport {
  const audio: HeardReport[] = [];
  for (const [identity, heard] of link.audio) {
    let known = entries.get(heard);
    if (!known) entries.set(heard, (known = { entry: nextEntry++, sent: 0 }));
    const fresh = Math.min(heard.recorded - known.sent, heard.frames.length);
    known.sent = heard.recorded;
    audio.push({
      identity,
      entry: known.entry,
      bytes: heard.bytes,
      firstLoudAt: heard.firstLoudAt,
      recorded: heard.recorded,
      frames: fresh > 0 ? heard.frames.slice(-fresh) : [],
    });
  }
  return { id, lastReadAt: link.lastReadAt, heard: [...link.heard], audio };
}

const reporter = setInterval(() => {
  reply({
    type: 'hearing',
    links: [...links].map(([id, link]) => reportOf(id, link)),
    handleErrors,
  });
}, REPORT_EVERY_MS);

process.on('message', (request: LinkRequest) => {
  if (request.op === 'exit') {
    void handle(request);
    return;
  }
  handle(request).then(
    (value) => reply({ type: 'reply', call: request.call, value }),
    (error: unknown) =>
      reply({
        type: 'reply',
        call: request.call,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
