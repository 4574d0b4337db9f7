import { describe, expect, it } from 'vitest';
import { bodyProblems, compileBody, fence } from './fixture.ts';

describe('lab blocks', () => {
  it('compiles a lab with its name, id and default config', () => {
    const result = compileBody(fence('lab name=console id=console', ''));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const node = result.lesson.body.find((n) => n.type === 'block');
    expect(node).toMatchObject({
      type: 'block',
      block: { kind: 'lab', lab: 'console', id: 'console', config: {} },
    });
  });

  it('needs a known lab name and an id', () => {
    expect(bodyProblems(fence('lab id=x'))).toEqual([
      '7:4 Block "lab" needs option "name" (caching | forge | console | profiles | rotation | assertion | failures).',
    ]);
    expect(bodyProblems(fence('lab name=cashing id=x'))).toEqual([
      '7:8 Option "name" of block "lab": expected one of caching, forge, console, profiles, rotation, assertion, failures; got "cashing".',
    ]);
    expect(bodyProblems(fence('lab name=forge'))).toEqual([
      '7:4 Block "lab" needs option "id" (<kebab-case id>).',
    ]);
  });

  it('checks an exercise’s lab reference and outcome name', () => {
    const exercise = (id: string, outcome: string) =>
      fence(
        'exercise id=ex',
        'goal: Do the thing.',
        'check:',
        '  lab:',
        `    id: ${id}`,
        `    outcome: ${outcome}`,
      );
    expect(
      bodyProblems([fence('lab name=console id=c'), '', exercise('d', 'x')].join('\n')),
    ).toEqual(['10:4 No lab block with id "d" in this lesson. Ids: c.']);
    const problems = bodyProblems(
      [fence('lab name=console id=c'), '', exercise('c', 'nope')].join('\n'),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^10:4 The console lab has no outcome "nope"\./);
  });
});
