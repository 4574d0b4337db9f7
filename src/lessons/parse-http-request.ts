import { parseHttpRequest as parseHttpSyntax } from '../client/http-request.ts';
import { checkPlaceholder, findPlaceholders } from '../client/placeholders.ts';
import { BROWSER_MOCK_ORIGINS } from '../protocol/data.ts';
import type { HttpRequestTemplate } from './lesson-types.ts';

/**
 * A request in a lesson: the `.http` syntax of editor REST clients, parsed by the client's parser
 * (`src/client/http-request.ts`, the same one the page sends with), plus the rules a lesson adds:
 *
 * - only the methods a lesson needs (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS), written out;
 * - only the mock servers' origins (so a lesson never reaches the real network);
 * - a body needs a `Content-Type`, a GET or HEAD has none, a JSON body is JSON;
 * - every `{{placeholder}}` is a variable name or a known built-in helper, called correctly.
 */

/** A problem inside the request text; `line` and `column` are 0-based within the text. */
export interface HttpProblem {
  line: number;
  column: number;
  message: string;
}

/** A variable read, 0-based within the text. */
export interface PlaceholderUse {
  name: string;
  line: number;
  column: number;
}

export type ParsedHttpRequest =
  | { ok: true; request: HttpRequestTemplate; uses: PlaceholderUse[] }
  | { ok: false; problems: HttpProblem[] };

export const LESSON_HTTP_METHODS: readonly string[] = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
];

/** The hosts lesson requests may reach: the browser's mock servers (see CONTRACT.md). */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = BROWSER_MOCK_ORIGINS;

/** Replace each placeholder with a neutral stand-in so the text can be checked for shape. */
function neutralise(text: string, standIn: string): string {
  return text.replace(/\{\{[^{}]*\}\}/g, standIn);
}

export function parseHttpRequest(
  text: string,
  allowedOrigins: readonly string[] = DEFAULT_ALLOWED_ORIGINS,
): ParsedHttpRequest {
  const lines = text.split('\n');
  const problems: HttpProblem[] = [];
  const uses: PlaceholderUse[] = [];

  lines.forEach((lineText, line) => {
    for (const placeholder of findPlaceholders(lineText)) {
      const problem = checkPlaceholder(placeholder);
      if (problem) problems.push({ line, column: placeholder.index, message: problem });
      else if (!placeholder.name.startsWith('$')) {
        uses.push({ name: placeholder.name, line, column: placeholder.index });
      }
    }
  });

  const syntax = parseHttpSyntax(text);
  if (!syntax.ok) {
    for (const error of syntax.errors) {
      problems.push({ line: error.line - 1, column: error.column - 1, message: error.message });
    }
    return { ok: false, problems: sortProblems(problems) };
  }
  const { request } = syntax;

  const requestLine = lines.findIndex((line) => {
    const trimmed = line.trim();
    return trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith('//');
  });
  const requestLineText = lines[requestLine] ?? '';
  const indent = requestLineText.length - requestLineText.trimStart().length;
  const firstWord = requestLineText.trim().split(/\s+/)[0] ?? '';
  const methodWritten = !/^https?:\/\//i.test(firstWord) && !firstWord.startsWith('{{');

  if (!methodWritten) {
    problems.push({
      line: requestLine,
      column: indent,
      message: `Write the method: "GET ${request.url}" (a lesson spells every request out).`,
    });
  } else if (!LESSON_HTTP_METHODS.includes(request.method)) {
    problems.push({
      line: requestLine,
      column: indent,
      message: `Method ${request.method} is not used in lessons: use one of ${LESSON_HTTP_METHODS.join(', ')}.`,
    });
  }
  const urlProblem = checkUrl(request.url, allowedOrigins);
  if (urlProblem) {
    const afterMethod = methodWritten ? indent + firstWord.length : indent;
    const urlColumn =
      afterMethod +
      (requestLineText.slice(afterMethod).length -
        requestLineText.slice(afterMethod).trimStart().length);
    problems.push({ line: requestLine, column: urlColumn, message: urlProblem });
  }

  if (request.body !== '') {
    const blank = lines.findIndex((line, index) => index > requestLine && line.trim() === '');
    const bodyLine = blank === -1 ? requestLine : blank + 1;
    const contentType = request.headers.find(
      ([name]) => name.toLowerCase() === 'content-type',
    )?.[1];
    if (request.method === 'GET' || request.method === 'HEAD') {
      problems.push({
        line: bodyLine,
        column: 0,
        message: `A ${request.method} request has no body: remove it, or use POST.`,
      });
    } else if (contentType === undefined) {
      problems.push({
        line: requestLine,
        column: indent,
        message:
          'The request has a body but no Content-Type header: add "Content-Type: application/x-www-form-urlencoded" or "Content-Type: application/json".',
      });
    } else if (/^\s*application\/([\w.+-]+\+)?json\b/i.test(contentType) && !isJson(request.body)) {
      problems.push({
        line: bodyLine,
        column: 0,
        message: 'The body is not valid JSON, but its Content-Type says it is.',
      });
    }
  }

  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, request: { ...request, source: text.trimEnd() }, uses };
}

function sortProblems(problems: HttpProblem[]): HttpProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function checkUrl(url: string, allowedOrigins: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(neutralise(url, 'x'));
  } catch {
    return `"${url}" is not an absolute URL: start it with https://.`;
  }
  if (!allowedOrigins.includes(parsed.origin)) {
    return `Requests may only go to the mock servers (${allowedOrigins.join(', ')}); got "${parsed.origin}".`;
  }
  return undefined;
}

/** A placeholder may stand for a string's contents ("{{token}}") or a whole value ({{$timestamp}}). */
function isJson(body: string): boolean {
  return ['x', '0'].some((standIn) => {
    try {
      JSON.parse(neutralise(body, standIn));
      return true;
    } catch {
      return false;
    }
  });
}
