import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
// three exports no package.json; its main entry sits in build/, next to examples/.
const threeLibs = path.join(path.dirname(require.resolve('three')), '..', 'examples', 'jsm', 'libs');

/** The WASM decoders the loaders fetch at run time, served from this origin under /decoders/. */
const DECODERS: Record<string, string> = {
  'decoders/basis/basis_transcoder.js': path.join(threeLibs, 'basis', 'basis_transcoder.js'),
  'decoders/basis/basis_transcoder.wasm': path.join(threeLibs, 'basis', 'basis_transcoder.wasm'),
  'decoders/draco/draco_decoder.js': path.join(threeLibs, 'draco', 'gltf', 'draco_decoder.js'),
  'decoders/draco/draco_decoder.wasm': path.join(threeLibs, 'draco', 'gltf', 'draco_decoder.wasm'),
  'decoders/draco/draco_wasm_wrapper.js': path.join(threeLibs, 'draco', 'gltf', 'draco_wasm_wrapper.js'),
};

function decoders(): Plugin {
  return {
    name: 'mib-decoders',
    generateBundle() {
      for (const [fileName, source] of Object.entries(DECODERS))
        this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = DECODERS[(req.url ?? '').replace(/^\//, '').split('?')[0] ?? ''];
        if (!file) return next();
        res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.end(readFileSync(file));
      });
    },
  };
}

/**
 * Builds the apps — the player (index.html, at `/`), the studio (studio.html, at /studio), the embed
 * (embed.html, at /embed/<slug>) and the render page (render.html) — into dist/client.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), decoders()],
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        player: fileURLToPath(new URL('index.html', import.meta.url)),
        studio: fileURLToPath(new URL('studio.html', import.meta.url)),
        embed: fileURLToPath(new URL('embed.html', import.meta.url)),
        render: fileURLToPath(new URL('render.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev:client` proxies the API and room sockets to a server started with `npm start`.
    proxy: {
      '/matchmake': 'http://127.0.0.1:2567',
      '^/[\\w-]+/[\\w-]+\\?': { target: 'ws://127.0.0.1:2567', ws: true },
    },
  },
});
