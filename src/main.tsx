// Base tokens and elements first, so component styles that follow can refine them.
import './ui/theme/theme.css';
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { App } from './app/app';
import { AppErrorBoundary } from './app/page-error-boundary';
import { preloadRoute } from './app/preload-route';
import { currentPath } from './ui/shared/router';

const found = document.getElementById('root');
if (!found) throw new Error('index.html has no #root element.');
const root: HTMLElement = found;

declare global {
  interface Window {
    /** What index.html found this browser lacks; the page then says so and the app stays off. */
    __ccpUnsupported?: string;
  }
}

// A render that throws shows what broke and how to recover, never a blank tab.
const app = (
  <StrictMode>
    <AppErrorBoundary>
      <App />
    </AppErrorBoundary>
  </StrictMode>
);
const path = currentPath();
// A page prerendered at build time (plugins/prerender.ts: the home page, each lesson) is already
// on screen: React adopts that markup instead of building it again. Any other page starts from
// an empty root.
const prerendered = root.dataset.prerendered === path;

function start(): void {
  // The opened lesson's body (and, once the page is on screen, its blocks' code) start
  // downloading now, while React starts.
  const firstRenderReady = preloadRoute(path, { painted: prerendered });
  if (prerendered) {
    // Hydration must render what the HTML shows, the lesson's body included: wait for it.
    firstRenderReady.then(
      () =>
        hydrateRoot(root, app, {
          onRecoverableError(error) {
            // React recovered by rendering that part afresh; the page works, but the prerendered
            // markup and the first render disagreed, which costs the speed prerendering is for.
            console.error(
              '[playground] the prerendered page did not match its first render',
              error,
            );
          },
        }),
      () => {
        // The body failed to load: render afresh, and the lesson page shows the failure.
        root.replaceChildren();
        createRoot(root).render(app);
      },
    );
  } else {
    // index.html holds the prerendered home page, hidden on any other page: this page starts
    // from an empty root instead.
    if (root.dataset.prerendered !== undefined) {
      root.replaceChildren();
      delete root.dataset.prerendered;
    }
    createRoot(root).render(app);
  }
}

// index.html names what this browser lacks above the page and leaves the app off; a prerendered
// lesson stays readable.
if (window.__ccpUnsupported === undefined) start();
