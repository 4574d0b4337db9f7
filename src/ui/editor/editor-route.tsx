import { lazy, Suspense } from 'react';

/**
 * The `/editor` route. The editor, the markdown compiler it runs (unified, remark, yaml, zod)
 * and the lessons' sources load only when this page opens: a learner never downloads them.
 */
const EditorPage = lazy(() => import('./editor-page.tsx').then((m) => ({ default: m.EditorPage })));

export function EditorRoute() {
  return (
    <Suspense
      fallback={
        <p className="muted" role="status">
          Loading the lesson editor…
        </p>
      }
    >
      <EditorPage />
    </Suspense>
  );
}
