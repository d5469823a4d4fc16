/**
 * The world inside an embed frame: it asks the server for an embed token for the page that frames it,
 * watches as a spectator (no avatar; the camera orbits) or joins as a visitor, and carries out the host
 * page's commands (frame-bridge.ts) — join, leave, setCamera, teleport, sendChat, emote, getPopulation —
 * while telling the host what happens: ready, progress, load, joined, left, population, chat, error.
 */
import { EMOTES, type Emote, type JoinOptions } from '../../../../protocol/index.js';
import { readVector, type EmbedErrorCode } from '../../shared/embed/embed-messages.js';
import { stayInWorld, type WorldStay } from '../../shared/net/stay-in-world.js';
import type { JoinFailure } from '../../shared/net/join-errors.js';
import type { JoinAccess, WorldConnection } from '../../shared/net/world-connection.js';
import { GUEST_COLOURS } from '../../shared/world/join-options.js';
import { orbitFor } from '../../shared/world/systems/spectator-camera.js';
import { createWorldStore, type WorldStore } from '../../shared/world/world-store.js';
import type { EmbedParams } from './embed-params.js';
import { EmbedCommandError, type FrameBridge } from './frame-bridge.js';

/** Ask for a new embed token this long before the current one expires, in ms. */
const RENEW_MARGIN_MS = 60_000;
/** How long join() and leave() wait for the room, in ms. */
const SWITCH_TIMEOUT_MS = 15_000;
/** How often the host hears of progress, population and chat, in ms. */
const REPORT_EVERY_MS = 250;

/** The server would not give this embed a token (its code says why). */
class SessionRefused extends Error {
  constructor(
    readonly code: EmbedErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface EmbedSession {
  token: string;
  expiresAt: number;
  /** The visitor's name it was made for (visitor tokens). */
  name?: string | undefined;
}

export class EmbedWorld {
  readonly store: WorldStore = createWorldStore();
  /** The live connection, read by the frame loop and the HUD. */
  readonly connection: { current: WorldConnection | null } = { current: null };
  worldName = '';
  /** The tokens to watch with, and to join with as a visitor. */
  private session: EmbedSession | null = null;
  private visitorSession: EmbedSession | null = null;
  private stay: WorldStay | null = null;
  private readonly colour = GUEST_COLOURS[Math.floor(Math.random() * GUEST_COLOURS.length)] ?? '#4363d8';
  private name: string;
  private cameraSet = false;
  private readySent = false;
  private loadSent = false;
  private reported = { population: -1, chat: 0, loaded: -1, seat: null as string | null };
  private fatal = false;
  /** Between seats (join, leave, teleport): the old seat's closing is not an ending. */
  private switching = false;
  /** The command running now and those waiting behind it (`command`). */
  private commands: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly params: EmbedParams,
    private readonly bridge: FrameBridge,
  ) {
    this.name = params.name ?? `Guest ${Math.floor(1000 + Math.random() * 9000)}`;
    this.store.loading = { progress: 0.1, stage: 'Opening the world' };
    bridge.listen((command) => this.command(command.method, command.args));
  }

  /** Gets the embed token, then watches or joins as the embed asks. */
  async start(): Promise<void> {
    if (!this.params.credential)
      return this.fail(
        'bad-embed',
        'This embed has no embed key: embed it with the snippet from the studio’s Share panel.',
      );
    // The token the first seat needs (a visitor's when the embed joins at once).
    const opened = await this.renew(this.params.mode === 'join' ? this.name : undefined).catch(
      (error: unknown) => {
        if (error instanceof SessionRefused) this.fail(error.code, error.message);
        else this.fail('unreachable', 'The world’s server could not be reached.');
        return false;
      },
    );
    if (!opened) return;
    setInterval(() => this.report(), REPORT_EVERY_MS);
    this.enter(this.params.mode);
    await this.until(() => this.store.connection === 'joined').catch(() => undefined);
    if (!this.fatal) {
      this.readySent = true;
      this.bridge.emit('ready');
      if (this.params.mode === 'join') this.bridge.emit('joined', { name: this.name });
    }
  }

  /** Watching (no avatar) or joined (an avatar named `this.name`), in `instance` when given. */
  private enter(mode: 'spectate' | 'join', instance?: string, spawn = this.params.spawn): void {
    const spectate = mode === 'spectate';
    this.store.remotes.clear();
    this.store.spectator = spectate
      ? {
          target: { x: 0, y: 1, z: 0 },
          autoTurn: this.params.camera === 'orbit',
          follow: this.params.camera === 'follow',
          followed: { id: null },
        }
      : null;
    const options: JoinOptions = {
      world: this.params.slug,
      name: this.name,
      color: this.colour,
      ...(spawn ? { spawn } : {}),
      ...(spectate ? { spectate: true } : {}),
    };
    const access: JoinAccess = { token: () => this.token(mode) };
    this.stay = stayInWorld(
      this.store,
      window.location.origin,
      options,
      (live) => (this.connection.current = live),
      instance,
      access,
    );
  }

  /** Leaves the seat held now and takes the other kind in the same instance (the room ends the old one). */
  private async switchTo(mode: 'spectate' | 'join', spawn?: string): Promise<void> {
    const instance = this.store.roomId ?? undefined;
    this.switching = true;
    try {
      await this.stay?.stop();
      this.store.connection = 'connecting';
      this.store.joinFailure = null;
      this.store.problem = null;
      let failure = await this.seat(mode, instance, spawn);
      if (failure?.otherInstance && instance) {
        // The instance ended when the old seat left it (nobody else was there): any instance will do.
        await this.stay?.stop();
        this.store.joinFailure = null;
        failure = await this.seat(mode, undefined, spawn);
      }
      if (failure && mode === 'join') {
        // Refused (full, banned…): back to watching, and the host hears why.
        await this.stay?.stop();
        this.store.joinFailure = null;
        this.enter('spectate', instance);
        throw new EmbedCommandError(
          /full/i.test(failure.message) ? 'world-full' : 'join-refused',
          failure.message,
        );
      }
    } finally {
      this.switching = false;
    }
  }

  /** Takes a seat of kind `mode` (in `instance` when given); the refusal, or null once it is held. */
  private async seat(
    mode: 'spectate' | 'join',
    instance?: string,
    spawn?: string,
  ): Promise<JoinFailure | null> {
    this.enter(mode, instance, spawn);
    await this.until(() => this.store.connection === 'joined' || this.store.joinFailure !== null);
    return this.store.joinFailure; // set by the join just started, through the callbacks
  }

  /** Leaves the world (the page is going away). */
  async stop(): Promise<void> {
    await this.stay?.stop();
  }

  /**
   * Runs a command of the host page's API (also the bar's Join and Leave buttons), one at a time in order
   * of arrival: two joins at once would each take a seat, and the first would never be given back.
   */
  command(method: string, args: unknown = {}): Promise<unknown> {
    const run = this.commands.then(() => this.run(method, args));
    this.commands = run.catch(() => undefined);
    return run;
  }

  private async run(method: string, args: unknown): Promise<unknown> {
    const input = (args ?? {}) as Record<string, unknown>;
    const joined = this.store.local !== null && this.store.connection === 'joined';
    switch (method) {
      case 'join': {
        if (joined) return undefined;
        if (typeof input.name === 'string') {
          const name = input.name.trim();
          if (name.length < 1 || name.length > 32)
            throw new EmbedCommandError('bad-argument', 'join({ name }): a name is 1 to 32 characters');
          this.name = name;
        }
        await this.switchTo('join');
        this.bridge.emit('joined', { name: this.name });
        return undefined;
      }
      case 'leave':
        if (!joined) return undefined;
        await this.switchTo('spectate');
        this.bridge.emit('left');
        return undefined;
      case 'setCamera': {
        const position = readVector(input.position);
        const target = readVector(input.target);
        if (!position || !target)
          throw new EmbedCommandError(
            'bad-argument',
            'setCamera({ position, target }): each is { x, y, z } in metres, within ±10 km',
          );
        orbitFor(position, target);
        this.cameraSet = true;
        if (this.store.spectator) {
          this.store.spectator.target = target;
          this.store.spectator.autoTurn = false;
          this.store.spectator.follow = false;
        }
        return undefined;
      }
      case 'teleport': {
        const spawn = this.store.staticWorld.spawns.find((point) => point.name === input.spawn);
        if (!spawn)
          throw new EmbedCommandError(
            'bad-argument',
            `teleport(spawn): this world has no spawn point "${String(input.spawn)}"; it has ${this.store.staticWorld.spawns.map((point) => `"${point.name}"`).join(', ') || 'none'}`,
          );
        if (this.store.spectator) {
          this.store.spectator.target = { x: spawn.x, y: spawn.y + 1, z: spawn.z };
          this.cameraSet = true;
        } else await this.switchTo('join', spawn.name);
        return undefined;
      }
      case 'sendChat': {
        if (!joined || !this.connection.current)
          throw new EmbedCommandError('not-joined', 'sendChat(): join the world first (join())');
        if (typeof input.text !== 'string' || input.text.trim().length === 0 || input.text.length > 500)
          throw new EmbedCommandError('bad-argument', 'sendChat(text): text is 1 to 500 characters');
        this.connection.current.say('nearby', input.text);
        return undefined;
      }
      case 'emote': {
        if (!joined || !this.connection.current)
          throw new EmbedCommandError('not-joined', 'emote(): join the world first (join())');
        if (!(EMOTES as readonly unknown[]).includes(input.name))
          throw new EmbedCommandError('bad-argument', `emote(name): name is one of ${EMOTES.join(', ')}`);
        this.connection.current.emote(input.name as Emote);
        return undefined;
      }
      case 'getPopulation':
        return this.store.population;
      default:
        throw new EmbedCommandError('bad-argument', `unknown method ${method}`);
    }
  }

  /**
   * The embed token to watch or join with, renewed before it expires (a revoked key then ends the embed).
   * A visitor's names the guest account made for it (voice needs one), once per name.
   */
  private async token(mode: 'spectate' | 'join'): Promise<string | null> {
    const held = mode === 'join' ? this.visitorSession : this.session;
    const stale =
      !held || held.expiresAt - RENEW_MARGIN_MS < Date.now() || (mode === 'join' && held.name !== this.name);
    if (stale) await this.renew(mode === 'join' ? this.name : undefined);
    return (mode === 'join' ? this.visitorSession : this.session)?.token ?? null;
  }

  private async renew(visitor?: string): Promise<boolean> {
    const credential = this.params.credential;
    if (!credential) return false;
    // Not framed (opened on its own, or by this server's studio): the page's own origin.
    const host = this.bridge.host ?? window.location.origin;
    const response = await fetch(`/embeds/${this.params.slug}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...credential, host, ...(visitor && { visitor: { name: visitor } }) }),
    }).catch(() => null);
    if (!response) throw new SessionRefused('unreachable', 'The world’s server could not be reached.');
    const body = (await response.json().catch(() => ({}))) as {
      token?: string;
      expiresIn?: number;
      code?: EmbedErrorCode;
      detail?: string;
      poster?: { world: { name: string }; population: number };
    };
    if (!response.ok || !body.token)
      throw new SessionRefused(
        body.code ?? 'unreachable',
        body.detail ?? `The server answered HTTP ${response.status}.`,
      );
    const session = {
      token: body.token,
      expiresAt: Date.now() + (body.expiresIn ?? 0) * 1000,
      name: visitor,
    };
    if (visitor) this.visitorSession = session;
    else this.session = session;
    if (body.poster) this.worldName = body.poster.world.name;
    return true;
  }

  /** Tells the host what changed: progress, the world drawn, population, chat, and a lost embed. */
  private report(): void {
    const store = this.store;
    if (!this.cameraSet && store.spectator && store.staticWorld.defaultSpawn) {
      const spawn = store.staticWorld.defaultSpawn;
      store.spectator.target = { x: spawn.x, y: spawn.y + 1, z: spawn.z };
      this.cameraSet = true;
    }
    const seat = store.seat ? `${store.seat.roomId}/${store.seat.sessionId}` : null;
    if (seat !== this.reported.seat) {
      this.reported.seat = seat;
      this.bridge.seat(store.seat);
    }
    const entry = store.entryProgress;
    if (entry.loaded !== this.reported.loaded) {
      this.reported.loaded = entry.loaded;
      this.bridge.emit('progress', { loaded: entry.loaded, total: entry.total });
    }
    const drawn =
      store.connection === 'joined' &&
      store.sceneVersion >= store.roomSceneVersion &&
      store.modelsForVersion === store.sceneVersion &&
      entry.neededSettled >= entry.needed;
    if (drawn && store.loading.progress < 1) store.loading = { progress: 1, stage: 'Ready' };
    if (drawn && !this.loadSent && this.readySent) {
      this.loadSent = true;
      this.bridge.emit('load');
    }
    if (store.population !== this.reported.population && store.connection === 'joined') {
      this.reported.population = store.population;
      this.bridge.emit('population', { count: store.population });
    }
    for (const line of store.chat) {
      if (line.key <= this.reported.chat) continue;
      this.reported.chat = line.key;
      if (line.channel !== 'system')
        this.bridge.emit('chat', { name: line.name, text: line.text, channel: line.channel });
    }
    if (store.connection === 'closed' && !this.fatal && !this.switching)
      this.fail(
        store.closedWith === 4411 ? 'key-revoked' : 'removed',
        store.problem ?? 'You have left the world.',
      );
  }

  private fail(code: EmbedErrorCode, message: string): void {
    this.fatal = true;
    this.store.problem = message;
    this.store.connection = 'error';
    this.bridge.emit('error', { code, message });
  }

  private async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + SWITCH_TIMEOUT_MS;
    while (!done()) {
      if (Date.now() > deadline)
        throw new EmbedCommandError('join-refused', 'The world did not answer in time; try again.');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
