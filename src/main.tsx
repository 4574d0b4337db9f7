// Base tokens and elements first, so component styles that follow can refine them.
import './ui/theme/theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { preloadRoute } from './app/preload-route';
import { currentPath } from './ui/layout/router';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

// The opened lesson's body and block code start downloading now, while React renders the shell.
preloadRoute(currentPath());

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
