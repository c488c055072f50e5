import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The console is served by the reference server under /console from `dist-console/`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist-console', import.meta.url)),
    emptyOutDir: true,
    // Strict CSP (no inline script): keep Vite from inlining the module preload helper or small assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
