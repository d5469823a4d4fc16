import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the player into dist/client, which the server serves at `/`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev:client` proxies the API and room sockets to a server started with `npm start`.
    proxy: {
      '/matchmake': 'http://127.0.0.1:2567',
      '^/[\\w-]+/[\\w-]+\\?': { target: 'ws://127.0.0.1:2567', ws: true },
    },
  },
});
