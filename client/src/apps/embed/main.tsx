import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EmbedApp } from './EmbedApp.js';
import { embedParamsOf } from './embed-params.js';
import { EmbedWorld } from './embed-world.js';
import { FrameBridge, parentOrigin } from './frame-bridge.js';
import { installTestHook } from '../../shared/world/test-hook.js';

const root = document.getElementById('root');
if (!root) throw new Error('embed: embed.html has no #root element');
const params = embedParamsOf(window.location);
if (!params) {
  root.innerHTML =
    '<p class="embed-problem" role="alert">This embed address names no world: use /embed/&lt;world-slug&gt;.</p>';
} else {
  document.documentElement.dataset.theme = params.theme;
  const bridge = new FrameBridge(parentOrigin(params.host));
  const world = new EmbedWorld(params, bridge);
  installTestHook(world.store);
  void world.start();
  // Closing or leaving the host page leaves the room at once (no avatar lingering for the grace period).
  window.addEventListener('pagehide', () => void world.stop());
  // The bar's buttons run the same commands as the host page's join() and leave().
  const act = (method: 'join' | 'leave') => () =>
    void world.command(method).catch((error: unknown) => {
      world.store.problem = error instanceof Error ? error.message : String(error);
    });
  createRoot(root).render(
    <StrictMode>
      <EmbedApp
        world={world}
        onJoin={act('join')}
        onLeave={act('leave')}
        offerVoice={params.voice}
        muted={params.muted}
      />
    </StrictMode>,
  );
}
