import type { ReactNode } from 'react';
import { useDisclosure } from '../shared/use-disclosure.ts';
import './exercise-brief.css';

/**
 * What an exercise asks (request exercises and code exercises alike): the goal, and a hint
 * behind a button.
 */
export function ExerciseBrief({ goal, hint }: { goal: ReactNode; hint: ReactNode | undefined }) {
  const hintPanel = useDisclosure();
  return (
    <>
      <p className="exercise-brief__goal">
        <strong>Goal: </strong>
        {goal}
      </p>
      {hint ? (
        <div className="exercise-brief__hint">
          <button {...hintPanel.toggle} className="btn btn--small btn--ghost">
            {hintPanel.shown ? 'Hide hint' : 'Show hint'}
          </button>
          <p {...hintPanel.panel} className="exercise-brief__hint-text">
            {hint}
          </p>
        </div>
      ) : null}
    </>
  );
}
