import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { StudioApp } from './StudioApp.js';

const root = document.getElementById('root');
if (!root) throw new Error('studio: studio.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StudioApp />
  </StrictMode>,
);
