/**
 * The embed page at /embed/<slug>, inside a widget's frame on another site (or a plain iframe): the live
 * world drawn by the shared renderer — spectating with an orbiting camera, or joined with an avatar — with
 * a small bar: the world's name, who is here, and Join / Leave. Problems show in words (and reach the host
 * page as `error` events, see embed-world.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { WorldScene } from '../../shared/world/view/WorldScene.js';
import { usePolled } from '../../shared/world/use-polled.js';
import { installKeyboard } from '../../shared/world/systems/keyboard.js';
import { loadSettings, pageStorage } from '../../shared/world/settings.js';
import type { EmbedWorld } from './embed-world.js';

/** How often the bar re-reads the store, in ms. */
const BAR_REFRESH_MS = 200;

function useBar(world: EmbedWorld) {
  const read = () => ({
    connection: world.store.connection,
    problem: world.store.problem,
    population: world.store.population,
    joined: world.store.local !== null && world.store.connection === 'joined',
    progress: world.store.loading.progress,
    stage: world.store.loading.stage,
    name: world.worldName,
    canTalk: world.store.voice?.enabled === true && world.store.voice.room.canPublish,
    microphone: world.store.microphone,
    sound: world.store.settings.voiceVolume > 0,
  });
  return usePolled(read, BAR_REFRESH_MS);
}

export interface EmbedAppProps {
  world: EmbedWorld;
  onJoin: () => void;
  onLeave: () => void;
  /** Offer the microphone to visitors (the `voice` attribute); else they listen only. */
  offerVoice: boolean;
  /** Start with the world's sound off (the `muted` attribute); a button turns it on. */
  muted: boolean;
}

export function EmbedApp({ world, onJoin, onLeave, offerVoice, muted }: EmbedAppProps) {
  const nameTags = useRef<HTMLDivElement>(null);
  const [settings, setSettings] = useState(() => {
    const loaded = loadSettings(pageStorage());
    return (world.store.settings = muted ? { ...loaded, voiceVolume: 0, mediaVolume: 0 } : loaded);
  });
  const toggleSound = () => {
    const on = settings.voiceVolume === 0;
    const next = { ...settings, voiceVolume: on ? 1 : 0, mediaVolume: on ? 1 : 0 };
    world.store.settings = next;
    setSettings(next);
  };
  const toggleMicrophone = () => {
    void world.connection.current?.setMicrophone(!world.store.microphone).catch((error: unknown) => {
      world.store.problem = error instanceof Error ? error.message : String(error);
    });
  };
  const bar = useBar(world);
  useEffect(() => (bar.joined ? installKeyboard() : undefined), [bar.joined]);
  return (
    <div className="embed">
      <WorldScene
        store={world.store}
        connection={world.connection}
        nameTagLayer={nameTags}
        settings={settings}
      />
      <div className="name-tags" ref={nameTags} />
      {bar.progress < 1 && !bar.problem && (
        <div className="embed-loading" role="status">
          <div className="embed-loading-bar" style={{ width: `${Math.round(bar.progress * 100)}%` }} />
          <span>{bar.stage}</span>
        </div>
      )}
      {bar.problem && (
        <p className="embed-problem" role="alert">
          {bar.problem}
        </p>
      )}
      <div className="embed-card">
        <strong>{bar.name || 'Loading…'}</strong>
        <span className="embed-population" aria-live="polite">
          {bar.population === 1 ? '1 here' : `${bar.population} here`}
        </span>
        <button type="button" className="embed-action quiet" aria-pressed={bar.sound} onClick={toggleSound}>
          {bar.sound ? 'Sound on' : 'Sound off'}
        </button>
        {offerVoice && bar.joined && bar.canTalk && (
          <button
            type="button"
            className="embed-action quiet"
            aria-pressed={bar.microphone}
            onClick={toggleMicrophone}
          >
            {bar.microphone ? 'Mic on' : 'Mic off'}
          </button>
        )}
        {bar.connection === 'joined' &&
          (bar.joined ? (
            <button type="button" className="embed-action" onClick={onLeave}>
              Leave
            </button>
          ) : (
            <button type="button" className="embed-action" onClick={onJoin}>
              Join
            </button>
          ))}
      </div>
    </div>
  );
}
