/**
 * Types of the metaverse-in-a-box world widget, for pages that load https://HOST/embed.js.
 * Usage: `<mib-world world="plaza" embed-key="mibe_…"></mib-world>`; docs: /docs/embed.md in the repository.
 */

export interface Vector {
  x: number;
  y: number;
  z: number;
}

/** Stable codes of the `error` event and of rejected API calls. */
export type EmbedErrorCode =
  | 'bad-embed'
  | 'world-not-found'
  | 'key-invalid'
  | 'key-revoked'
  | 'origin-not-allowed'
  | 'world-private'
  | 'token-expired'
  | 'unreachable'
  | 'world-full'
  | 'join-refused'
  | 'removed'
  | 'not-joined'
  | 'bad-argument'
  | 'busy'
  | 'frame-failed';

export declare class MibWorldError extends Error {
  readonly code: EmbedErrorCode;
  constructor(code: EmbedErrorCode, message: string);
}

/** `<mib-world>`: attributes world, embed-key | embed-token, mode, name, spawn, camera, loading, reveal, muted, voice, theme. */
export declare class MibWorld extends HTMLElement {
  static readonly observedAttributes: string[];
  /** Resolves when the world in the frame is ready for API calls (rejects if it cannot load). */
  readonly ready: Promise<void>;
  join(options?: { name?: string }): Promise<void>;
  leave(): Promise<void>;
  setCamera(camera: { position: Vector; target: Vector }): Promise<void>;
  teleport(spawn: string): Promise<void>;
  sendChat(text: string): Promise<void>;
  emote(name: string): Promise<void>;
  getPopulation(): Promise<number>;
  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(): void;
}

/** Event details: load {}, progress {loaded, total} (bytes), joined {name}, left {}, population {count},
 * chat {name, text, channel}, error {code, message}, ready {}. */
export interface MibWorldEventMap {
  ready: CustomEvent<Record<string, never>>;
  load: CustomEvent<Record<string, never>>;
  progress: CustomEvent<{ loaded: number; total: number }>;
  joined: CustomEvent<{ name: string }>;
  left: CustomEvent<Record<string, never>>;
  population: CustomEvent<{ count: number }>;
  chat: CustomEvent<{ name: string; text: string; channel: string }>;
  error: CustomEvent<{ code: EmbedErrorCode; message: string }>;
}

declare global {
  interface HTMLElementTagNameMap {
    'mib-world': MibWorld;
  }
}
