/**
 * Learner code (and a lesson's tests) to plain JavaScript the sandbox can run: TypeScript types
 * stripped and ES module syntax turned into CommonJS (`require`, `exports`), by Sucrase.
 *
 * Why Sucrase: it is small (a parser and a few transforms, no type checker), fast enough to run
 * on every press of "Run tests", well kept, and it keeps every line where it was, so an error's
 * line in the running code is the learner's line, with no source map. A full TypeScript compiler
 * would add megabytes for type errors the exercise does not ask about
 * (docs/decisions/code-exercises.md).
 */
import { transform } from 'sucrase';
import type { CodeLanguage } from '../lesson-types.ts';
import type { CodeFile, CodeProblem } from './files.ts';

export type TranspileResult = { ok: true; code: string } | { ok: false; problem: CodeProblem };

/** Strip types (for `ts`) and turn imports and exports into `require` and `exports`. */
export function transpile(source: string, lang: CodeLanguage, file: CodeFile): TranspileResult {
  try {
    const { code } = transform(source, {
      transforms: lang === 'ts' ? ['typescript', 'imports'] : ['imports'],
      filePath: file,
      // `import(...)` becomes `require(...)` too: the sandbox resolves modules itself.
      preserveDynamicImport: false,
    });
    return { ok: true, code };
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const message = (error instanceof Error ? error.message : String(error)).replace(
      /\s*\(\d+:\d+\)$/,
      '',
    );
    return {
      ok: false,
      problem: {
        file,
        line: loc?.line ?? 1,
        ...(loc && { column: Math.max(1, loc.column) }),
        message: `Syntax error: ${message}.`,
      },
    };
  }
}
