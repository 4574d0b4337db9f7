import { type ReactNode, useId, useState } from 'react';
import './exercise-brief.css';

/**
 * What an exercise asks (request exercises and code exercises alike): the goal, and a hint
 * behind a button.
 */
export function ExerciseBrief({ goal, hint }: { goal: ReactNode; hint: ReactNode | undefined }) {
  const [hintShown, setHintShown] = useState(false);
  const hintId = useId();
  return (
    <>
      <p className="exercise-brief__goal">
        <strong>Goal: </strong>
        {goal}
      </p>
      {hint ? (
        <div className="exercise-brief__hint">
          <button
            type="button"
            className="btn btn--small btn--ghost"
            aria-expanded={hintShown}
            aria-controls={hintId}
            onClick={() => setHintShown((shown) => !shown)}
          >
            {hintShown ? 'Hide hint' : 'Show hint'}
          </button>
          <p id={hintId} hidden={!hintShown} className="exercise-brief__hint-text">
            {hint}
          </p>
        </div>
      ) : null}
    </>
  );
}
