import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillVariables } from '../../src/client/http-request.ts';
import {
  checkPlaceholder,
  findPlaceholders,
  HELPER_NAMES,
  HELPERS,
  quoteArg,
  splitArgs,
} from '../../src/client/placeholders.ts';

/** What the build says of the one placeholder in `text`. */
function buildCheck(text: string): string | undefined {
  const [placeholder] = findPlaceholders(text);
  if (placeholder === undefined) throw new Error(`no placeholder in ${text}`);
  return checkPlaceholder(placeholder);
}

describe('one placeholder grammar for the build and the page', () => {
  it('fills exactly the variable names the build accepts', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.\-$]{1,10}$/), (name) => {
        const text = `{{${name}}}`;
        const filled = fillVariables(text, { [name]: 'value' }, { assertions: {} });
        if (name.startsWith('$')) return; // helpers: below
        if (buildCheck(text) === undefined) expect(filled.text).toBe('value');
        else expect(filled.text).toBe(text);
      }),
      { numRuns: 500 },
    );
    // Names the page once filled but no save= could ever create: the build refuses them now.
    for (const name of ['a.b', 'client-id', 'x.']) {
      expect(buildCheck(`{{${name}}}`)).toMatch(/^Invalid variable name/);
      expect(fillVariables(`{{${name}}}`, { [name]: 'v' }).text).toBe(`{{${name}}}`);
    }
  });

  it('fills every helper it lists, given the arguments the list names', () => {
    for (const name of HELPER_NAMES) {
      // $assertion's typ is one of two words; any other argument may be anything.
      const args = HELPERS[name].args.map((_, i) =>
        name === 'assertion' && i === 2 ? 'typed' : `arg${i}`,
      );
      const text = `{{${[`$${name}`, ...args].join(' ')}}}`;
      expect(buildCheck(text)).toBeUndefined();
      const filled = fillVariables(
        text,
        {},
        {
          assertions: { arg0: 'signed', '$assertion arg0 arg1 typed': 'signed' },
          dpopProofs: { dpop: 'p', dpop_thief: 'q' },
        },
      );
      expect(filled.errors).toEqual([]);
      expect(filled.missing).toEqual([]);
      expect(filled.text).not.toContain('{{');
    }
  });

  it('gives the same message at build time and in the page for a wrong argument count', () => {
    for (const name of HELPER_NAMES) {
      const args = [...HELPERS[name].args.map((_, i) => `arg${i}`), 'one-too-many'];
      const text = `{{${[`$${name}`, ...args].join(' ')}}}`;
      const problem = buildCheck(text);
      expect(problem).toMatch(new RegExp(`^\\{\\{\\$${name}\\}\\} takes`));
      expect(fillVariables(text, {}, { assertions: { arg0: 's' } }).errors).toEqual([problem]);
    }
  });

  it('refuses an $assertion typ other than typed or untyped, at build time and in the page', () => {
    const text = '{{$assertion signing-client https://auth.example.com sometimes}}';
    const problem = buildCheck(text);
    expect(problem).toBe(
      '{{$assertion}}\'s typ is "typed" or "untyped": {{$assertion client_id audience typ}}; got "sometimes".',
    );
    expect(fillVariables(text, {}).errors).toEqual([problem]);
  });

  it('splits quoted arguments back to what quoteArg wrote', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1 }).filter((s) => !/[{}]/.test(s)),
          { maxLength: 3 },
        ),
        (values) => {
          expect(splitArgs(values.map(quoteArg).join(' '))).toEqual(values);
        },
      ),
    );
    expect(splitArgs('{{id}} "my secret"')).toEqual(['{{id}}', 'my secret']);
  });
});
