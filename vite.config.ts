import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { appWorkerPlugin } from './plugins/app-worker.ts';
import { checkoutIdPlugin } from './plugins/checkout-id.ts';
import { contentSecurityPolicyPlugin } from './plugins/content-security-policy.ts';
import { lessonsPlugin } from './plugins/lessons.ts';
import { prerenderPlugin } from './plugins/prerender.ts';

export default defineConfig({
  plugins: [
    react(),
    lessonsPlugin(),
    prerenderPlugin(),
    checkoutIdPlugin(),
    // Once every page is written (the prerendered lessons too): each page gets its policy.
    contentSecurityPolicyPlugin(),
    // After the pages are final: the service worker lists (and hashes) every file of the build.
    appWorkerPlugin(),
  ],
  resolve: {
    // The page's msw needs only a registrable-domain function from tldts, not its 110 kB (gzip)
    // public-suffix list (src/mocks/registrable-domain.ts; docs/decisions/mock-server-download.md).
    alias: [
      {
        find: /^tldts$/,
        replacement: fileURLToPath(new URL('./src/mocks/registrable-domain.ts', import.meta.url)),
      },
    ],
  },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
  // The code exercises' sandbox (src/lessons/code/sandbox-worker.ts) is a module worker whose
  // code (Sucrase, jose, the test runner) may share chunks.
  worker: { format: 'es' },
  build: {
    // CCP_OUT_DIR: a build of its own, e.g. for a second Playwright run beside the first
    // (PLAYWRIGHT_PORT picks its port); `vite preview` serves the same folder.
    outDir: process.env.CCP_OUT_DIR ?? 'dist',
    // .vite/manifest.json: which file holds which module, for tests and the bench (never the app).
    manifest: true,
    rolldownOptions: {
      // Prerendering the lessons (plugins/prerender.ts) takes most of a build's plugin time by
      // design; it prints its own timing, so Rolldown's slow-plugin report is only noise.
      checks: { pluginTimings: false },
      output: {
        // Chunking only, for caching and for reading the bundle (npm run bench lists the chunks a
        // lesson loads): React changes at a different pace than the app. The lesson list ships in
        // the entry; each lesson's body (`virtual:lessons/<slug>`) stays its own lazy chunk, as do
        // msw and the blocks. Do not group the lesson bodies: the first lesson would load them all.
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            // The code exercises' editor (CodeMirror): only a lesson with a code exercise loads it,
            // and npm run bench reports it by this name.
            {
              name: 'code-editor',
              test: /[\\/]node_modules[\\/](@codemirror|@lezer|style-mod|w3c-keyname|crelt)[\\/]/,
            },
            // Only blocks use these (a response's explanation, the export formats). Left alone,
            // the bundler merges them into the chunk the entry shares with the blocks, and every
            // page, a lesson without requests too, downloads them before its first paint.
            // Without their dependencies, which the entry needs (getHeader, the request parser).
            // The small pieces blocks and labs draw with (ui/shared): one chunk, not one request
            // each, beside the first request block.
            {
              name: 'ui-parts',
              test: /[\\/]src[\\/]ui[\\/]shared[\\/](card-header|check-list|checkbox|fact|radio-options|use-disclosure|download-text)\.tsx?$/,
            },
            {
              name: 'explain-error',
              test: /[\\/]src[\\/]client[\\/]explain-error\.ts$/,
              includeDependenciesRecursively: false,
            },
            {
              name: 'export-request',
              test: /[\\/]src[\\/]client[\\/]export-request\.ts$/,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
});
