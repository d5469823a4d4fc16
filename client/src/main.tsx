import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { installTestHook } from './test-hook.js';
import { createWorldStore } from './world-store.js';

const store = createWorldStore();
store.loading = { progress: 0.2, stage: 'Starting' };
installTestHook(store);

const root = document.getElementById('root');
if (!root) throw new Error('player: index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
