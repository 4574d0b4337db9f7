import type { HttpRequestModel } from './http-request.ts';

/**
 * Quote one word for a POSIX shell (sh, bash, zsh): single quotes keep everything literal, and a
 * single quote itself is written `'\''` (close, escaped quote, reopen).
 */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface ToCurlOptions {
  /** One argument per line with `\` continuations (default true). */
  multiline?: boolean;
}

/**
 * The request as a curl command that a POSIX shell runs unchanged: `-X METHOD`, one `-H` per
 * header, the body with `--data-raw` (which, unlike `-d`, never reads a file for a leading `@`).
 */
export function toCurl(request: HttpRequestModel, options: ToCurlOptions = {}): string {
  const args: string[] =
    request.method === 'HEAD'
      ? ['--head', shellQuote(request.url)]
      : ['-X', shellQuote(request.method), shellQuote(request.url)];
  const parts = [`curl ${args.join(' ')}`];
  for (const [name, value] of request.headers) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (request.body !== '') parts.push(`--data-raw ${shellQuote(request.body)}`);
  return options.multiline === false ? parts.join(' ') : parts.join(' \\\n  ');
}

const js = (value: string) => JSON.stringify(value);

function hasDuplicateNames(headers: HttpRequestModel['headers']): boolean {
  const names = headers.map(([n]) => n.toLowerCase());
  return new Set(names).size !== names.length;
}

function isJson(request: HttpRequestModel): boolean {
  const type = request.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  return /^\s*application\/json\s*(;|$)/i.test(type);
}

/**
 * The request as a JavaScript snippet using `fetch`, to paste into a page or Node 18+. A JSON body
 * that re-serialises to exactly the same bytes is shown as `JSON.stringify({...})`; any other body
 * is a string literal, byte for byte.
 */
export function toFetch(request: HttpRequestModel): string {
  const lines = [
    `const response = await fetch(${js(request.url)}, {`,
    `  method: ${js(request.method)},`,
  ];
  if (request.headers.length > 0) {
    if (hasDuplicateNames(request.headers)) {
      lines.push('  headers: [');
      for (const [n, v] of request.headers) lines.push(`    [${js(n)}, ${js(v)}],`);
      lines.push('  ],');
    } else {
      lines.push('  headers: {');
      for (const [n, v] of request.headers) lines.push(`    ${js(n)}: ${js(v)},`);
      lines.push('  },');
    }
  }
  if (request.body !== '') {
    let body = `  body: ${js(request.body)},`;
    if (isJson(request)) {
      try {
        const parsed: unknown = JSON.parse(request.body);
        if (
          JSON.stringify(parsed) === request.body &&
          typeof parsed === 'object' &&
          parsed !== null
        ) {
          const pretty = JSON.stringify(parsed, null, 2).replace(/\n/g, '\n  ');
          body = `  body: JSON.stringify(${pretty}),`;
        }
      } catch {
        // not JSON after all: keep the string literal
      }
    }
    lines.push(body);
  }
  lines.push('});');
  lines.push('console.log(response.status, await response.text());');
  return `${lines.join('\n')}\n`;
}
