import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EmbedApp, embedSlugOf } from './EmbedApp.js';

const root = document.getElementById('root');
if (!root) throw new Error('embed: embed.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <EmbedApp slug={embedSlugOf(window.location.pathname)} />
  </StrictMode>,
);
