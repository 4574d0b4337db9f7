import { describe, expect, it } from 'vitest';
import { compileLesson } from '../../src/lessons/compile-lesson.ts';
import { bodyProblems, FILE, fence, problems } from './fixture.ts';

const TOKEN_REQUEST = [
  'POST https://auth.example.com/oauth/token',
  'Content-Type: application/x-www-form-urlencoded',
  'Authorization: Basic {{$basic demo-client demo-secret}}',
  '',
  'grant_type=client_credentials&scope=read:users',
];

describe('front-matter', () => {
  it('reports a file without front-matter at 1:1', () => {
    expect(problems('## Hello\n')).toEqual([
      '1:1 Missing front-matter: start the file with a "---" line, then title, summary, order (a number) and duration (e.g. "6 min"), then "---".',
    ]);
  });

  it('reports front-matter that is never closed', () => {
    expect(problems('---\ntitle: x\n')).toEqual([
      '1:1 The front-matter is not closed: add a "---" line after it.',
    ]);
  });

  it('names each bad, missing and unknown key at its line', () => {
    const source = [
      '---',
      'title: Tokens',
      'order: two',
      'duration: 6 minutes',
      'level: easy',
      '---',
      'Text.',
    ].join('\n');
    expect(problems(source)).toEqual([
      '1:1 The front-matter needs "summary".',
      '3:1 Front-matter "order": expected a number, got "two".',
      '4:1 Front-matter "duration": expected whole minutes such as "6 min".',
      '5:1 Unknown front-matter key "level". Keys: title, summary, order, duration, slug, server.',
    ]);
  });

  it('reports invalid YAML at its place in the file', () => {
    const [first] = problems('---\ntitle: [a\nsummary: b\n---\n');
    expect(first).toMatch(/^3:1 Invalid YAML in the front-matter: /);
  });

  it('still names the lesson from what it could read', () => {
    const result = compileLesson('---\ntitle: Half done\norder: 4\n---\n', FILE);
    expect(result.ok).toBe(false);
    expect(result.lesson).toMatchObject({
      status: 'broken',
      slug: 'fixture',
      title: 'Half done',
      order: 4,
      file: FILE,
    });
  });
});

describe('blocks and options', () => {
  it('rejects an unknown block and suggests the closest name', () => {
    expect(bodyProblems(fence('reqest id=a', ...TOKEN_REQUEST))).toEqual([
      '7:4 Unknown block "reqest". Did you mean "request"? Blocks: request, jwt, negatives, flow, exercise, code-exercise, curl, lab; plain code takes a language such as json, http or bash.',
    ]);
  });

  it('rejects an unknown option, naming the options the block has', () => {
    expect(bodyProblems(fence('request id=a titel="Get one"', ...TOKEN_REQUEST))).toEqual([
      '7:17 Unknown option "titel" for block "request". Did you mean "title"? Options: id, title, expect, save, editable, auth-method.',
    ]);
  });

  it('rejects options on plain code blocks', () => {
    expect(bodyProblems(fence('json title=x', '{}'))).toEqual([
      '7:9 A plain "json" code block takes no options. For an interactive block use one of: request, jwt, negatives, flow, exercise, code-exercise, curl, lab.',
    ]);
  });

  it('rejects bad option values with what was expected', () => {
    expect(
      bodyProblems(
        [
          fence('request id=Get_Token expect=abc', ...TOKEN_REQUEST),
          '',
          fence('request id=b expect="401 bad_client" save="a=b=c"', ...TOKEN_REQUEST),
          '',
          fence('flow highlight=login'),
        ].join('\n'),
      ),
    ).toEqual([
      '7:12 Option "id" of block "request": expected a kebab-case id such as "get-token"; got "Get_Token".',
      '7:25 Option "expect" of block "request": expected "<status>", "<status> <error>" or "<status> <error> at <check>", e.g. "200", "401 invalid_client" or "401 invalid_token at checkNotRevoked"; got "abc".',
      '15:17 Option "expect" of block "request": unknown error code "bad_client". Use one of invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope, invalid_target, invalid_token, insufficient_scope, unsupported_token_type, invalid_dpop_proof, use_dpop_nonce.',
      '15:41 Option "save" of block "request": expected "name" or "name=json.path" (e.g. save=access_token or save="order_id=id"); got "a=b=c".',
      '23:9 Option "highlight" of block "flow": expected one of token, api, introspect, revoke, workload, none; got "login".',
    ]);
  });

  it('rejects a missing required option, an option given twice, and a malformed info string', () => {
    expect(
      bodyProblems(
        [
          fence('request title=x', ...TOKEN_REQUEST),
          fence('curl for=a for=b'),
          fence('jwt title="unclosed'),
        ].join('\n'),
      ),
    ).toEqual([
      '7:4 Block "request" needs option "id" (<kebab-case id>).',
      '14:15 Option "for" is given twice.',
      '16:14 Unclosed quote in option "title".',
    ]);
  });

  it('rejects duplicate ids, pointing at the first use', () => {
    expect(
      bodyProblems(
        [
          fence('request id=get-token save=access_token', ...TOKEN_REQUEST),
          '',
          fence(
            'exercise id=get-token',
            'goal: Do it.',
            'check:',
            '  response:',
            '    status: 200',
          ),
        ].join('\n'),
      ),
    ).toEqual(['15:13 Duplicate id "get-token": the request block on line 7 already uses it.']);
  });

  it('checks references to request ids', () => {
    expect(
      bodyProblems(
        [fence('request id=get-token', ...TOKEN_REQUEST), fence('curl for=get-tokn')].join('\n'),
      ),
    ).toEqual(['14:9 No request block with id "get-tokn" in this lesson. Ids: get-token.']);
  });

  it('rejects a body where none belongs and a missing one where it is needed', () => {
    expect(
      bodyProblems([fence('curl for=a', 'curl https://x'), fence('request id=a')].join('\n')),
    ).toEqual([
      '8:1 Block "curl" takes no body: remove the lines between the fences.',
      '10:4 Block "request" needs a body between the fences.',
    ]);
  });
});

describe('.http requests', () => {
  it('points at the exact line and column inside the block', () => {
    expect(
      bodyProblems(
        fence(
          'request id=a',
          'POST https://auth.example.com/oauth/token',
          'Content-Type application/json',
          '',
          '{}',
        ),
      ),
    ).toEqual([
      '9:1 Expected a header "Name: value" (no ":" found). If this is the body, put a blank line before it.',
    ]);
  });

  it('rejects an unknown method and a relative URL', () => {
    expect(bodyProblems(fence('request id=a', 'FETCH /oauth/token'))).toEqual([
      '8:1 Unknown method FETCH: use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT.',
      '8:7 "/oauth/token" is not an absolute URL: start it with https://.',
    ]);
    expect(bodyProblems(fence('request id=a', 'GET /api/v1/users'))).toEqual([
      '8:5 "/api/v1/users" is not an absolute URL: start it with https://.',
    ]);
  });

  it('keeps lessons on the mock servers and spells the method out', () => {
    expect(
      bodyProblems(
        [
          fence('request id=a', 'GET https://api.github.com/user'),
          fence('request id=b', 'https://api.example.com/api/v1/users'),
        ].join('\n'),
      ),
    ).toEqual([
      '8:5 Requests may only go to the mock servers (https://auth.example.com, https://api.example.com, https://ci.example.com); got "https://api.github.com".',
      '11:1 Write the method: "GET https://api.example.com/api/v1/users" (a lesson spells every request out).',
    ]);
  });

  it('requires a Content-Type for a body, no body on GET, and JSON that parses', () => {
    expect(
      bodyProblems(
        [
          fence('request id=a', 'POST https://auth.example.com/oauth/token', '', 'grant_type=x'),
          fence('request id=b', 'GET https://api.example.com/api/v1/users', '', 'x=1'),
          fence(
            'request id=c',
            'POST https://auth.example.com/oauth/token',
            'Content-Type: application/json',
            '',
            '{"grant_type": "client_credentials",}',
          ),
        ].join('\n'),
      ),
    ).toEqual([
      '8:1 The request has a body but no Content-Type header: add "Content-Type: application/x-www-form-urlencoded" or "Content-Type: application/json".',
      '15:1 A GET request has no body: remove it, or use POST.',
      '21:1 The body is not valid JSON, but its Content-Type says it is.',
    ]);
  });

  it('checks built-in helpers and placeholder names', () => {
    expect(
      bodyProblems(
        fence(
          'request id=a',
          'POST https://auth.example.com/oauth/token',
          'Authorization: Basic {{$basic demo-client}}',
          'X-Trace: {{$now}}',
          'X-Bad: {{not a name}}',
        ),
      ),
    ).toEqual([
      '9:22 {{$basic}} takes 2 arguments: {{$basic client_id client_secret}}; got 1.',
      '10:10 Unknown helper "$now". Helpers: $basic, $uuid, $timestamp, $client_assertion, $assertion, $dpop, $dpop_thief.',
      '11:8 Invalid variable name "not a name": use letters, digits and _ (e.g. {{access_token}}).',
    ]);
  });

  it('checks that auth-method matches the request', () => {
    expect(
      bodyProblems(
        fence(
          'request id=a auth-method=client_secret_basic',
          'POST https://auth.example.com/oauth/token',
          'Content-Type: application/x-www-form-urlencoded',
          '',
          'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
        ),
      ),
    ).toEqual(['7:4 auth-method=client_secret_basic needs an "Authorization: Basic ..." header.']);
  });
});

describe('variables', () => {
  const callApi = [
    'GET https://api.example.com/api/v1/users',
    'Authorization: Bearer {{access_token}}',
  ];

  it('rejects a variable no earlier block saves', () => {
    expect(bodyProblems(fence('request id=call-api', ...callApi))).toEqual([
      '9:23 Variable "access_token" is used before any earlier block saves it. Add save=access_token to an earlier request, or use a built-in helper such as {{$basic <client_id> <client_secret>}}.',
    ]);
  });

  it('says where the variable is saved when that block comes later', () => {
    expect(
      bodyProblems(
        [
          fence('request id=call-api', ...callApi),
          '',
          fence('request id=get-token save=access_token', ...TOKEN_REQUEST),
        ].join('\n'),
      ),
    ).toEqual([
      '9:23 Variable "access_token" is used before any earlier block saves it. It is first saved by the request block on line 12, further down: move that block up.',
    ]);
  });

  it('checks the jwt inspector, negative cases and exercise checks too', () => {
    expect(
      bodyProblems(
        [
          fence('jwt'),
          fence('jwt from=other_token'),
          fence(
            'negatives',
            '- name: stale token',
            '  request: |',
            '    GET https://api.example.com/api/v1/users',
            '    Authorization: Bearer {{old_token}}',
            '  expect: 401 invalid_token',
          ),
          fence(
            'exercise id=ex',
            'goal: Read orders.',
            'check:',
            '  token:',
            '    scope_includes: read:orders',
          ),
        ].join('\n'),
      ),
    ).toEqual([
      '7:4 Variable "access_token" is used before any earlier block saves it. Add save=access_token to an earlier request, or use a built-in helper such as {{$basic <client_id> <client_secret>}}.',
      '9:8 Variable "other_token" is used before any earlier block saves it. Add save=other_token to an earlier request, or use a built-in helper such as {{$basic <client_id> <client_secret>}}.',
      '15:27 Variable "old_token" is used before any earlier block saves it. Add save=old_token to an earlier request, or use a built-in helper such as {{$basic <client_id> <client_secret>}}.',
      '22:5 Variable "access_token" is used before any earlier block saves it. Add save=access_token to an earlier request, or use a built-in helper such as {{$basic <client_id> <client_secret>}}.',
    ]);
  });

  it('accepts variables saved earlier and the built-in helpers', () => {
    const result = compileLesson(
      [
        '---',
        'title: t',
        'summary: s',
        'order: 1',
        'duration: 1 min',
        '---',
        fence('request id=get-token save="token=access_token"', ...TOKEN_REQUEST),
        fence(
          'request id=call-api',
          'POST https://api.example.com/api/v1/orders',
          'Authorization: Bearer {{token}}',
          'Content-Type: application/json',
          '',
          '{"id": "{{$uuid}}", "at": {{$timestamp}}}',
        ),
      ].join('\n'),
      FILE,
    );
    expect(result.ok ? result.lesson.diagnostics : result.errors).toEqual([]);
  });
});

describe('YAML bodies', () => {
  it('reports YAML syntax errors in a negatives block at their line', () => {
    const [first, ...rest] = bodyProblems(
      fence('negatives', '- name: a', '  request: GET https://api.example.com/', '  expect: [401'),
    );
    expect(first).toMatch(/^10:15 Invalid YAML in the negatives block: /);
    expect(rest).toEqual([]);
  });

  it('validates negative cases field by field', () => {
    expect(
      bodyProblems(
        fence(
          'negatives',
          '- name: no token',
          '  request: GET https://api.example.com/api/v1/users',
          '  expect: { status: "401", error: nope }',
          '- nam: typo',
          '  request: GET https://api.example.com/api/v1/users',
          '  expect: 401',
        ),
      ),
    ).toEqual([
      '10:21 In the negatives block at [0].expect.status: expected number, got "401".',
      '10:35 In the negatives block at [0].expect.error: unknown error code "nope"; use one of invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope, invalid_target, invalid_token, insufficient_scope, unsupported_token_type, invalid_dpop_proof, use_dpop_nonce.',
      '11:3 In the negatives block at [1].name: "name" is missing.',
      '11:3 In the negatives block at [1]: unknown key "nam".',
    ]);
  });

  it('places .http errors inside a negative case on the right line', () => {
    expect(
      bodyProblems(
        fence(
          'negatives',
          '- name: bad header',
          '  request: |',
          '    GET https://api.example.com/api/v1/users',
          '    Authorization Bearer x',
          '  expect: 401',
        ),
      ),
    ).toEqual([
      '11:5 Expected a header "Name: value" (no ":" found). If this is the body, put a blank line before it.',
    ]);
  });

  it('validates exercises: a goal, and a check the page can run', () => {
    expect(
      bodyProblems(
        [
          fence('exercise id=a', 'goal: [unclosed'),
          fence('exercise id=b', 'hint: h', 'check: {}'),
          fence(
            'exercise id=c',
            'goal: g',
            'check:',
            '  response:',
            '    request: get-token',
            '    run: GET https://api.example.com/api/v1/users',
            '    status: 200',
          ),
        ].join('\n'),
      ).map((line) => line.replace(/(Invalid YAML in the exercise block: ).*/, '$1…')),
    ).toEqual([
      '8:16 Invalid YAML in the exercise block: …',
      '11:1 In the exercise block at goal: "goal" is missing.',
      '12:8 In the exercise block at check: give a "response", "token" or "lab" check (or several).',
      '18:5 In the exercise block at check.response: give either "request" or "run", not both.',
    ]);
  });
});

describe('markdown', () => {
  it('refuses javascript: links and images without alt text', () => {
    expect(
      bodyProblems('Click [here](javascript:alert(1)) or ![](https://example.com/a.png).'),
    ).toEqual([
      '7:7 Link to "javascript:alert(1)" is not allowed: use an http(s): or mailto: URL, or a relative link.',
      '7:38 Image without alt text: describe it in ![the brackets](...).',
    ]);
  });

  it('refuses a level-1 heading', () => {
    expect(bodyProblems('# Title again')).toEqual([
      '7:1 Do not use a level-1 heading: the front-matter title is the page title. Start sections at "##".',
    ]);
  });

  it('warns about raw HTML but still compiles, and drops comments quietly', () => {
    expect(bodyProblems('<!-- note to authors -->\n\n<script>alert(1)</script>')).toEqual([
      '9:1 warning: Raw HTML is not rendered: it shows as plain text. Use markdown or a block instead.',
    ]);
  });
});
