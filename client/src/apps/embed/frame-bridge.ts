/**
 * The embed page's side of the widget's postMessage API (shared/embed/embed-messages.ts): it talks only to
 * the page that frames it — its real parent origin, which the browser reports (location.ancestorOrigins,
 * else the referrer) and which the server checked against the embed key — and only when there is one.
 */
import {
  EMBED_CHANNEL,
  readHostCommand,
  type EmbedError,
  type EmbedEventName,
  type HostCommand,
} from '../../shared/embed/embed-messages.js';
import type { Seat } from '../../shared/net/leave-notice.js';

/** The origin of the page framing this one, or null when not framed (opened on its own). */
export function parentOrigin(claimed: string | null): string | null {
  if (window.parent === window) return null;
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0] ?? null;
  if (document.referrer) return new URL(document.referrer).origin;
  return claimed;
}

export type CommandHandler = (command: HostCommand) => Promise<unknown>;

/** Commands of the host's that may wait for an answer at once; more are refused as `busy`. */
export const MAX_WAITING_COMMANDS = 32;

export class FrameBridge {
  private handler: CommandHandler | null = null;
  /** Commands received and not yet answered. */
  private waiting = 0;

  /** `host`: the framing page's origin (null: not framed — events then go nowhere). */
  constructor(readonly host: string | null) {
    if (host) window.addEventListener('message', this.onMessage);
  }

  /** Answers the host's commands with `handler` (which runs them one at a time, in order of arrival). */
  listen(handler: CommandHandler): void {
    this.handler = handler;
  }

  emit(event: EmbedEventName, detail: unknown = {}): void {
    if (this.host) window.parent.postMessage({ mib: EMBED_CHANNEL, event, detail }, this.host);
  }

  /** Tells the loader the seat this frame holds now (it sends the leave notice if the frame is torn down). */
  seat(seat: Seat | null): void {
    if (this.host) window.parent.postMessage({ mib: EMBED_CHANNEL, seat }, this.host);
  }

  private readonly onMessage = (event: MessageEvent): void => {
    if (event.source !== window.parent || event.origin !== this.host) return;
    const command = readHostCommand(event.data);
    if (!command || !this.handler) return;
    const host = this.host;
    const refuse = (error: EmbedError) =>
      window.parent.postMessage({ mib: EMBED_CHANNEL, reply: command.id, ok: false, error }, host);
    if (this.waiting >= MAX_WAITING_COMMANDS)
      return refuse({
        code: 'busy',
        message: `${MAX_WAITING_COMMANDS} commands are already waiting for their answers; await them before sending more`,
      });
    this.waiting += 1;
    this.handler(command)
      .then(
        (value) =>
          window.parent.postMessage({ mib: EMBED_CHANNEL, reply: command.id, ok: true, value }, host),
        (error: unknown) =>
          refuse(
            error instanceof EmbedCommandError
              ? { code: error.code, message: error.message }
              : { code: 'bad-argument', message: error instanceof Error ? error.message : String(error) },
          ),
      )
      .finally(() => (this.waiting -= 1));
  };
}

/** A refused command, with the stable code the host's promise rejects with. */
export class EmbedCommandError extends Error {
  constructor(
    readonly code: EmbedError['code'],
    message: string,
  ) {
    super(message);
  }
}
