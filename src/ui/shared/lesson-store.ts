import {
  emptyLessonState as emptyState,
  type LessonState,
  type LessonStateStore,
  type ServerMark,
} from '../../lessons/session.ts';

export type { LessonState } from '../../lessons/session.ts';

/**
 * Per-lesson learner state, outside React so that the app-wide reset can clear every lesson at
 * once, and so a lesson keeps its recorded exchanges while the learner visits another page.
 *
 * Persisted (localStorage `ccp:lesson:<slug>`): variables, progress, last status per step, the
 * learner's edited request texts, what each block saved and where the last step left the
 * server. Recorded exchanges and lab outcomes live in memory only (they may hold tokens and can
 * be large); the last status per step survives in `statuses`. Every tab of the origin sees what
 * another saves (the `storage` event), so two tabs on one lesson agree on its progress.
 */

export const LESSON_STORAGE_PREFIX = 'ccp:lesson:';
const VERSION = 1;

const states = new Map<string, LessonState>();
const listeners = new Map<string, Set<() => void>>();
const allListeners = new Set<() => void>();

const SERVER_STATE: LessonState = Object.freeze(emptyState());

/**
 * What a page prerendered at build time showed of every lesson: nothing done, nothing edited
 * (`useSyncExternalStore`'s server snapshot, so hydration matches the HTML, then catches up).
 */
export function getServerLessonState(): LessonState {
  return SERVER_STATE;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/** A stored {@link ServerMark}, if it has every field with the right type. */
function readMark(value: unknown): ServerMark | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (
    typeof m.frozen !== 'boolean' ||
    !finite(m.now) ||
    !finite(m.offset) ||
    typeof m.settings !== 'string' ||
    !finite(m.leeway)
  ) {
    return undefined;
  }
  return { frozen: m.frozen, now: m.now, offset: m.offset, settings: m.settings, leeway: m.leeway };
}

function readStored(slug: string): LessonState {
  const state = emptyState();
  try {
    const raw = localStorage.getItem(LESSON_STORAGE_PREFIX + slug);
    if (raw === null) return state;
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    if (parsed.v !== VERSION) return state;
    if (isStringRecord(parsed.vars)) state.vars = { ...parsed.vars };
    if (isStringRecord(parsed.drafts)) state.drafts = { ...parsed.drafts };
    if (isStringRecord(parsed.progress)) {
      for (const [k, v] of Object.entries(parsed.progress)) {
        if (v === 'done' || v === 'failed') state.progress[k] = v;
      }
    }
    if (typeof parsed.statuses === 'object' && parsed.statuses !== null) {
      for (const [k, v] of Object.entries(parsed.statuses)) {
        if (typeof v === 'number') state.statuses[k] = v;
      }
    }
    const mark = readMark(parsed.mark);
    if (mark) state.mark = mark;
    if (typeof parsed.savedBy === 'object' && parsed.savedBy !== null) {
      const savedBy: NonNullable<LessonState['savedBy']> = {};
      for (const [block, saved] of Object.entries(parsed.savedBy)) {
        const { seq, values } = (saved ?? {}) as { seq?: unknown; values?: unknown };
        if (typeof seq === 'number' && Number.isFinite(seq) && isStringRecord(values)) {
          savedBy[block] = { seq, values: { ...values } };
        }
      }
      state.savedBy = savedBy;
    }
  } catch {
    // unreadable or storage blocked: start fresh
  }
  return state;
}

function persist(slug: string, state: LessonState): void {
  try {
    localStorage.setItem(
      LESSON_STORAGE_PREFIX + slug,
      JSON.stringify({
        v: VERSION,
        vars: state.vars,
        progress: state.progress,
        statuses: state.statuses,
        drafts: state.drafts,
        ...(state.mark && { mark: state.mark }),
        ...(state.savedBy && { savedBy: state.savedBy }),
      }),
    );
  } catch (error) {
    console.warn('[playground] could not save lesson progress', error);
  }
}

/** The current state of a lesson (a stable object until the next update). */
export function getLessonState(slug: string): LessonState {
  let state = states.get(slug);
  if (!state) {
    state = readStored(slug);
    states.set(slug, state);
  }
  return state;
}

function notify(slug: string): void {
  for (const listener of listeners.get(slug) ?? []) listener();
  for (const listener of allListeners) listener();
}

/**
 * Another tab of this origin saved or cleared lessons (the browser's `storage` event fires in
 * every tab but the one that wrote): take what it saved, keeping this tab's own recorded
 * exchanges and lab outcomes (memory only), so a step done in one tab is done in all of them and
 * the next save here does not write the older state back over it.
 */
function onOtherTabSaved(event: StorageEvent): void {
  if (event.storageArea !== localStorage) return;
  if (event.key === null) {
    // Cleared (site data, another tab's "Clear storage"): every lesson starts over.
    for (const slug of states.keys()) {
      states.set(slug, emptyState());
      notify(slug);
    }
    return;
  }
  if (!event.key.startsWith(LESSON_STORAGE_PREFIX)) return;
  const slug = event.key.slice(LESSON_STORAGE_PREFIX.length);
  const mine = states.get(slug);
  const theirs = readStored(slug);
  states.set(
    slug,
    mine
      ? {
          ...theirs,
          exchanges: mine.exchanges,
          labOutcomes: mine.labOutcomes,
          ...(mine.lastExchange && { lastExchange: mine.lastExchange }),
          ...(mine.lastLearnerExchange && { lastLearnerExchange: mine.lastLearnerExchange }),
        }
      : theirs,
  );
  notify(slug);
}

if (typeof window !== 'undefined') addEventListener('storage', onOtherTabSaved);

/** Replace a lesson's state immutably and persist it. */
export function updateLessonState(slug: string, update: (state: LessonState) => LessonState) {
  const next = update(getLessonState(slug));
  states.set(slug, next);
  persist(slug, next);
  notify(slug);
}

/** A lesson's state as a {@link LessonStateStore}, for its {@link LessonSession}. */
export function lessonStore(slug: string): LessonStateStore {
  return {
    get: () => getLessonState(slug),
    update: (change) => updateLessonState(slug, change),
  };
}

export function subscribeLesson(slug: string, listener: () => void): () => void {
  let set = listeners.get(slug);
  if (!set) {
    set = new Set();
    listeners.set(slug, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Called after any lesson changes (the home page's progress). */
export function subscribeAllLessons(listener: () => void): () => void {
  allListeners.add(listener);
  return () => allListeners.delete(listener);
}

/** Forget one lesson's variables, exchanges, progress and edits. */
export function resetLesson(slug: string): void {
  states.set(slug, emptyState());
  try {
    localStorage.removeItem(LESSON_STORAGE_PREFIX + slug);
  } catch {
    // storage blocked: memory is reset anyway
  }
  notify(slug);
}

/**
 * Forget every lesson's state: what the header's "Reset" calls along with the server reset, so
 * a learner starts over with both the servers and the lessons in their first state.
 */
export function resetAllLessons(): void {
  const slugs = new Set(states.keys());
  try {
    // Collect the keys first: removing while iterating by index skips keys when the browser
    // renumbers the rest (a lesson's progress then survived "Reset server").
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(LESSON_STORAGE_PREFIX)) keys.push(key);
    }
    for (const key of keys) {
      slugs.add(key.slice(LESSON_STORAGE_PREFIX.length));
      localStorage.removeItem(key);
    }
  } catch {
    // storage blocked
  }
  for (const slug of slugs) {
    states.set(slug, emptyState());
    notify(slug);
  }
}
