import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toPlaywrightTest } from '../../src/client/export-request.ts';
import { compileLessonEntry } from '../../src/lessons/compile-lesson.ts';
import type { CompiledLesson } from '../../src/lessons/lesson-types.ts';
import { stepsBefore } from '../../src/ui/blocks/request-block/export-steps.ts';

function lesson(file: string): CompiledLesson {
  const entry = compileLessonEntry(readFileSync(file, 'utf8'), file);
  if (entry.status !== 'ok') throw new Error(`${file} does not compile`);
  return entry;
}

describe('stepsBefore (the setup of an exported Playwright test)', () => {
  it('lists the lesson’s earlier request blocks in reading order, with their saves and expectations', () => {
    const revocation = lesson('lessons/07-revocation.md');
    const steps = stepsBefore(revocation.body, 'after');
    expect(steps?.map((step) => step.title)).toEqual([
      'A token for demo-client',
      'It works',
      'Revoke the token',
    ]);
    expect(steps?.[0]?.save).toEqual([{ variable: 'access_token', path: ['access_token'] }]);
    expect(steps?.[2]?.expect).toEqual({ status: 200 });
    expect(stepsBefore(revocation.body, 'token')).toEqual([]);
  });

  it('includes negative cases: the sixth token call needs the five before it', () => {
    const caching = lesson('lessons/08-token-caching.md');
    const steps = stepsBefore(caching.body, 'sixth');
    expect(steps?.map((step) => step.title)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `Five calls, five tokens: Call ${n}`),
    );
    expect(steps?.every((step) => step.expect?.status === 200)).toBe(true);
  });

  it('is undefined for a block the lesson does not have (a draft in the editor)', () => {
    expect(stepsBefore(lesson('lessons/07-revocation.md').body, 'no-such-block')).toBeUndefined();
  });

  it('leaves the page-signed assertion steps out of a later export from the same lesson', () => {
    const credentials = lesson('lessons/03-sending-credentials.md');
    const setup = stepsBefore(credentials.body, 'try-basic') ?? [];
    const result = toPlaywrightTest({
      id: 'try-basic',
      setup,
      step: {
        title: 'Your turn',
        request: {
          method: 'GET',
          url: 'https://api.example.com/api/v1/users',
          headers: [],
          body: '',
        },
      },
    });
    if (!result.ok) throw new Error(result.reason);
    // The assertion block and the negative case that sends one: both sign with the page's key.
    expect(result.skipped).toEqual([
      'signing-client proves itself with a signature',
      'Mixing or missing methods: Basic header and a client assertion',
    ]);
    expect(result.setupSteps).toBe(setup.length - 2);
    expect(result.code).toContain(' * - signing-client proves itself with a signature');
  });
});
