import { useCallback, useEffect, useState } from 'react';

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

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

/**
 * The current theme and a toggle. Until the learner picks one, the system preference rules
 * (and is followed live); a pick is remembered in localStorage.
 */
export function useTheme(): { theme: Theme; toggleTheme: () => void } {
  const [theme, setTheme] = useState<Theme>(() => storedTheme() ?? systemTheme());

  useEffect(() => {
    applyTheme(theme);
  }, [theme]);

  useEffect(() => {
    const media = matchMedia(DARK_QUERY);
    const follow = () => {
      if (storedTheme() === undefined) setTheme(systemTheme());
    };
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, []);

  const toggleTheme = useCallback(() => {
    setTheme((current) => {
      const next: Theme = current === 'dark' ? 'light' : 'dark';
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // the choice then lasts for this page only
      }
      return next;
    });
  }, []);

  return { theme, toggleTheme };
}
