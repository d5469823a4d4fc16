/**
 * The embed page at /embed/<slug>, inside a widget's frame on another site (or a plain iframe): the live
 * world drawn by the shared renderer — spectating with an orbiting camera, or joined with an avatar — with
 * a small bar: the world's name, who is here, and Join / Leave. Problems show in words (and reach the host
 * page as `error` events, see embed-world.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { WorldScene } from '../../shared/world/view/WorldScene.js';
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
  });
  const [bar, setBar] = useState(read);
  useEffect(() => {
    const timer = setInterval(() => setBar(read()), BAR_REFRESH_MS);
    return () => clearInterval(timer);
  });
  return bar;
}

export function EmbedApp({
  world,
  onJoin,
  onLeave,
}: {
  world: EmbedWorld;
  onJoin: () => void;
  onLeave: () => void;
}) {
  const nameTags = useRef<HTMLDivElement>(null);
  const [settings] = useState(() => (world.store.settings = loadSettings(pageStorage())));
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
