import { useCallback, useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';

/** Same key as the inline script in index.html that applies the theme before first paint. */
const STORAGE_KEY = 'ccp:theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function storedTheme(): Theme | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : undefined;
  } catch {
    return undefined;
  }
}

function systemTheme(): Theme {
  return matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

/**
 * The theme lives on `<html data-theme>`: index.html's inline script sets it before the first
 * paint, the toggle and the system preference change it, and components read it from there.
 */
function currentTheme(): Theme {
  const applied = document.documentElement.dataset.theme;
  return applied === 'dark' || applied === 'light' ? applied : (storedTheme() ?? systemTheme());
}

const listeners = new Set<() => void>();

/**
 * Switch every colour at once. Buttons and cards fade their colours on hover (120 ms); left alone,
 * those fades would also run on a theme switch, and for a moment the page would mix the two
 * themes (a contrast check reading it then sees light text on a dark background). So transitions
 * are off while the new theme's styles apply, and back from the next frame.
 */
function setTheme(theme: Theme): void {
  const root = document.documentElement;
  if (root.dataset.theme !== theme) {
    root.dataset.themeSwitching = '';
    root.dataset.theme = theme;
    void getComputedStyle(root).backgroundColor; // apply the new theme's styles now
    requestAnimationFrame(() => {
      delete root.dataset.themeSwitching;
    });
  }
  for (const listener of listeners) listener();
}

/** Until the learner picks a theme, the system preference rules, followed live. */
function followSystem(): void {
  if (storedTheme() === undefined) setTheme(systemTheme());
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) matchMedia(DARK_QUERY).addEventListener('change', followSystem);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) matchMedia(DARK_QUERY).removeEventListener('change', followSystem);
  };
}

/**
 * What a page prerendered at build time says before hydration. The toggle's icons follow
 * `data-theme` in CSS, so only its label, which nobody sees until then, starts from this.
 */
function serverTheme(): Theme {
  return 'light';
}

/**
 * The current theme and a toggle. Until the learner picks one, the system preference rules
 * (and is followed live); a pick is remembered in localStorage.
 */
export function useTheme(): { theme: Theme; toggleTheme: () => void } {
  const theme = useSyncExternalStore(subscribe, currentTheme, serverTheme);
  const toggleTheme = useCallback(() => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // the choice then lasts for this page only
    }
    setTheme(next);
  }, []);
  return { theme, toggleTheme };
}
