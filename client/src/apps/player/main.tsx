import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { EntryPage } from './on-demand.js';
import { entrySlugOf } from './entry-path.js';
import { benchFromUrl, benchRendering, startCrowdFeed } from './bench/crowd-feed.js';
import { installTestHook } from '../../shared/world/test-hook.js';
import { createWorldStore } from '../../shared/world/world-store.js';
import { previewFromUrl } from '../../shared/world/join-options.js';

const store = createWorldStore();
// ?preview=1: the world's saved draft, for its editors (the preview room kind).
store.preview = previewFromUrl(window.location.search);
store.loading = { progress: 0.2, stage: 'Starting' };
installTestHook(store);

// Benchmark mode (see bench/crowd-feed.ts): a generated crowd instead of a server.
const bench = benchFromUrl(window.location.search);
if (bench) startCrowdFeed(store, bench);

const root = document.getElementById('root');
if (!root) throw new Error('player: index.html has no #root element');
// `/w/<slug>` is a world's entry page (Join first); any other address joins at once (`?world=`).
const entry = entrySlugOf(window.location.pathname);
createRoot(root).render(
  <StrictMode>
    {entry ? (
      <EntryPage slug={entry} store={store} />
    ) : (
      <App
        store={store}
        offline={bench !== null}
        avatarRendering={bench ? benchRendering(bench) : undefined}
      />
    )}
  </StrictMode>,
);
