/**
 * `<mib-world>`: a live world on any page. The element asks this server for the world's poster (which
 * also checks the embed key against the page's origin), shows it, and makes the frame of /embed/<slug>
 * only when needed — as the element nears the viewport (`loading="lazy"`, the default) or after a click on
 * Enter (`reveal="interaction"`) — so a page that never shows the world downloads no 3D code. The frame
 * runs the world isolated in this server's origin; the element bridges a small JS API to it over
 * postMessage (embed-messages.ts), sending only to this server's origin and checking every answer.
 * Nothing here throws into the host page: problems show in the box and fire `error` with a stable code.
 */
import {
  EMBED_CHANNEL,
  readFrameMessage,
  type EmbedError,
  type EmbedErrorCode,
  type EmbedMethod,
  type Vector,
} from '../../shared/embed/embed-messages.js';
import { sendLeaveNotice, type Seat } from '../../shared/net/leave-notice.js';
import { PosterView } from './poster-view.js';

/** Where this script came from: the server every element talks to. */
const SERVER = new URL(import.meta.url).origin;
/** How far outside the viewport a lazy element starts loading. */
const LAZY_MARGIN = '300px';
/** How long the frame may take to say it is there before the element gives up on it, in ms. */
const FRAME_TIMEOUT_MS = 30_000;

interface PosterAnswer {
  world: { slug: string; name: string; thumbnailUrl: string | null };
  population: number;
  voice: boolean;
  camera: boolean;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The error a rejected API call carries: a stable `code` and words. */
export class MibWorldError extends Error {
  constructor(
    readonly code: EmbedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MibWorldError';
  }
}

export class MibWorld extends HTMLElement {
  static readonly observedAttributes = ['world', 'embed-key', 'embed-token'];

  /** Resolves when the world in the frame is ready for API calls (rejects if it cannot load). */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  private readonly view: PosterView;
  private frame: HTMLIFrameElement | null = null;
  private facts: PosterAnswer | null = null;
  private started = false;
  private failed = false;
  private framing: Promise<void> | null = null;
  private observer: IntersectionObserver | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private frameTimer: ReturnType<typeof setTimeout> | undefined;
  /** The frame's seat in its room: the leave notice sent for it when the frame is torn down. */
  private seat: Seat | null = null;

  constructor() {
    super();
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined); // a host that never awaits `ready` gets no unhandled rejection
    this.view = new PosterView(this.attachShadow({ mode: 'open' }), () => void this.reveal());
  }

  connectedCallback(): void {
    if (!this.hasAttribute('role')) this.setAttribute('role', 'region');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'Live 3D world');
    window.addEventListener('message', this.onMessage);
    window.addEventListener('pagehide', this.leaveSeat);
    if (this.started) return;
    if (this.getAttribute('loading') === 'eager' || typeof IntersectionObserver !== 'function')
      void this.start();
    else {
      this.observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          this.observer?.disconnect();
          void this.start();
        },
        { rootMargin: LAZY_MARGIN },
      );
      this.observer.observe(this);
    }
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
    window.removeEventListener('message', this.onMessage);
    window.removeEventListener('pagehide', this.leaveSeat);
    this.leaveSeat(); // the frame goes with the element
  }

  /**
   * The frame is being torn down (host page leaving, element removed, another world): its own leave may
   * not make it out, so this page says it (shared/net/leave-notice.ts).
   */
  private readonly leaveSeat = (): void => {
    sendLeaveNotice(this.seat);
    this.seat = null;
  };

  attributeChangedCallback(): void {
    // Another world or key after the start: begin again with it.
    if (!this.started) return;
    this.started = false;
    this.failed = false;
    this.framing = null;
    this.leaveSeat();
    this.frame?.remove();
    this.frame = null;
    this.view.hideMessage();
    if (this.isConnected) void this.start();
  }

  // ——— the JS API ———

  /** Steps in as a visitor (from spectating), named `name` (else the `name` attribute). */
  join(options: { name?: string } = {}): Promise<void> {
    return this.call('join', {
      name: options.name ?? this.getAttribute('name') ?? undefined,
    }) as Promise<void>;
  }

  /** Steps out again: back to watching. */
  leave(): Promise<void> {
    return this.call('leave', {}) as Promise<void>;
  }

  /** Places the camera at `position` looking at `target` (metres, world axes). */
  setCamera(camera: { position: Vector; target: Vector }): Promise<void> {
    return this.call('setCamera', camera) as Promise<void>;
  }

  /** Goes to a spawn point by name: the camera when watching, the avatar when joined. */
  teleport(spawn: string): Promise<void> {
    return this.call('teleport', { spawn }) as Promise<void>;
  }

  /** Says `text` in the nearby chat (joined visitors only). */
  sendChat(text: string): Promise<void> {
    return this.call('sendChat', { text }) as Promise<void>;
  }

  /** Plays an emote: wave, dance, clap, laugh, shrug or point (joined visitors only). */
  emote(name: string): Promise<void> {
    return this.call('emote', { name }) as Promise<void>;
  }

  /** Visitors in the world now (in the instance shown, once the world is loaded). */
  async getPopulation(): Promise<number> {
    if (!this.frame) {
      const facts = await this.fetchFacts().catch(() => null);
      return facts?.population ?? this.facts?.population ?? 0;
    }
    return (await this.call('getPopulation', {})) as number;
  }

  // ——— loading ———

  private async start(): Promise<void> {
    this.started = true;
    const world = this.getAttribute('world');
    if (!world)
      return this.fail(
        'bad-embed',
        'This embed names no world: set its world attribute to the world’s slug.',
      );
    const facts = await this.fetchFacts().catch((error: unknown) => {
      if (error instanceof MibWorldError) this.fail(error.code, error.message);
      else
        this.fail(
          'unreachable',
          'The world’s server could not be reached. Check your connection and reload.',
        );
      return null;
    });
    if (!facts) return;
    this.facts = facts;
    this.setAttribute('aria-label', `${facts.world.name}, a live 3D world`);
    const byClick = this.getAttribute('reveal') === 'interaction';
    this.view.show(
      { name: facts.world.name, thumbnailUrl: facts.world.thumbnailUrl, population: facts.population },
      SERVER,
      byClick,
    );
    this.emit('population', { count: facts.population });
    if (!byClick) await this.openFrame();
  }

  /** The poster's facts; throws a MibWorldError with the server's code when it refuses. */
  private async fetchFacts(): Promise<PosterAnswer> {
    const world = this.getAttribute('world') ?? '';
    const query = new URLSearchParams(this.credential());
    const response = await fetch(`${SERVER}/embeds/${encodeURIComponent(world)}?${query}`, {
      credentials: 'omit',
    });
    const body = (await response.json().catch(() => ({}))) as Partial<PosterAnswer> & {
      code?: string;
      detail?: string;
    };
    if (!response.ok)
      throw new MibWorldError(
        (body.code as EmbedErrorCode | undefined) ?? 'unreachable',
        body.detail ?? `The world’s server answered HTTP ${response.status}.`,
      );
    return body as PosterAnswer;
  }

  private credential(): Record<string, string> {
    const token = this.getAttribute('embed-token');
    if (token) return { token };
    return { key: this.getAttribute('embed-key') ?? '' };
  }

  /** Enter (or an API call before it): make the frame, with the poster's click counting as the gesture. */
  private async reveal(): Promise<void> {
    if (this.failed) return;
    if (!this.facts) await this.start();
    await this.openFrame();
  }

  private openFrame(): Promise<void> {
    this.framing ??= Promise.resolve().then(() => this.makeFrame());
    return this.framing;
  }

  private makeFrame(): void {
    const facts = this.facts;
    if (!facts) return;
    const params = new URLSearchParams();
    const credential = this.credential();
    if (credential.token) params.set('t', credential.token);
    else params.set('k', credential.key ?? '');
    params.set('host', window.location.origin);
    for (const name of ['mode', 'name', 'spawn', 'camera', 'theme'])
      if (this.hasAttribute(name)) params.set(name, this.getAttribute(name) ?? '');
    if (this.hasAttribute('muted')) params.set('muted', '1');
    if (this.hasAttribute('voice')) params.set('voice', '1');
    const frame = document.createElement('iframe');
    frame.setAttribute('part', 'frame');
    frame.title = `${facts.world.name}, a live 3D world`;
    // Only what the world may use: the microphone where visitors may talk, the camera where they may show it.
    const allow = ['fullscreen'];
    if (facts.voice) allow.push('microphone', 'autoplay');
    if (facts.camera) allow.push('camera');
    frame.allow = allow.join('; ');
    frame.src = `${SERVER}/embed/${encodeURIComponent(facts.world.slug)}?${params}`;
    this.frame = frame;
    this.frameTimer = setTimeout(() => {
      this.fail('frame-failed', 'The world did not load in time. Reload the page to try again.');
    }, FRAME_TIMEOUT_MS);
    this.view.box.append(frame);
  }

  private readonly onMessage = (event: MessageEvent): void => {
    if (!this.frame || event.source !== this.frame.contentWindow || event.origin !== SERVER) return;
    const message = readFrameMessage(event.data);
    if (!message) return;
    if ('seat' in message) {
      this.seat = message.seat?.server === SERVER ? message.seat : null;
      return;
    }
    if ('reply' in message) {
      const pending = this.pending.get(message.reply);
      if (!pending) return;
      this.pending.delete(message.reply);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new MibWorldError(message.error.code, message.error.message));
      return;
    }
    const detail = message.detail;
    switch (message.event) {
      case 'ready':
        clearTimeout(this.frameTimer);
        this.view.dismiss();
        this.setAttribute('state', 'ready');
        this.resolveReady();
        break;
      case 'load':
        this.setAttribute('state', 'loaded');
        break;
      case 'joined':
        this.setAttribute('state', 'joined');
        break;
      case 'left':
        this.setAttribute('state', 'ready');
        break;
      case 'progress':
      case 'chat':
        break; // passed on as they are
      case 'population': {
        const count = (detail as { count?: unknown } | null)?.count;
        if (typeof count === 'number') this.view.setPopulation(count);
        break;
      }
      case 'error': {
        const error = detail as Partial<EmbedError> | null;
        if (typeof error?.code === 'string' && typeof error.message === 'string')
          return this.fail(error.code, error.message);
        return;
      }
    }
    this.emit(message.event, detail);
  };

  private async call(method: EmbedMethod, args: unknown): Promise<unknown> {
    if (this.failed) throw new MibWorldError('frame-failed', 'This embed could not load its world.');
    if (!this.frame) await this.reveal();
    await this.ready;
    const target = this.frame?.contentWindow;
    if (!target) throw new MibWorldError('frame-failed', 'This embed has no world loaded.');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      target.postMessage({ mib: EMBED_CHANNEL, id, method, args }, SERVER);
    });
  }

  private fail(code: string, message: string): void {
    clearTimeout(this.frameTimer);
    this.failed = true;
    this.setAttribute('state', 'error');
    this.view.dismiss();
    this.view.showMessage(message);
    const error = new MibWorldError(code as EmbedErrorCode, message);
    this.rejectReady(error);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.emit('error', { code, message });
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}
