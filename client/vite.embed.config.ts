import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the widget's loader (/embed.js) on its own: one small ES module with a stable name, no hash, no
 * shared chunks — a page downloads only this until the world shows. Runs after the apps' build (which
 * empties dist/client), so it does not empty the folder.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: fileURLToPath(new URL('src/apps/embed-loader/embed.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'embed.js',
    },
  },
});
