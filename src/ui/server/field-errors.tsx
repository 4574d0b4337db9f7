/**
 * A console form's field errors, wired one way everywhere: each input carries an id made from
 * the form's and its own, says when it is invalid, and points at its error, which is said beside
 * it (the Server page's client form and its faults form).
 */
export function fieldErrors<K extends string>(
  ids: string,
  errors: Partial<Record<K, string | undefined>>,
) {
  const errorId = (key: K) => `${ids}-${key}-error`;
  return {
    /** The input's id, and its invalid state pointing at its error when it has one. */
    described: (key: K) => ({
      id: `${ids}-${key}`,
      'aria-invalid': errors[key] ? true : undefined,
      'aria-describedby': errors[key] ? errorId(key) : undefined,
    }),
    /** The input's error, or nothing. */
    error: (key: K) =>
      errors[key] ? (
        <span id={errorId(key)} className="console-field__error">
          {errors[key]}
        </span>
      ) : null,
  };
}

/**
 * A console form's submit: parse what was typed; on errors show them by field, else pass on
 * what parsed.
 */
export function validSubmit<T extends { ok: true }, E>(
  parse: () => T | { ok: false; errors: E },
  showErrors: (errors: E) => void,
  save: (parsed: T) => void,
) {
  return (event: { preventDefault(): void }) => {
    event.preventDefault();
    const parsed = parse();
    if (parsed.ok) save(parsed);
    else showErrors(parsed.errors);
  };
}
