import {
  basicCredentials,
  type HttpRequestModel,
  parseHttpRequest,
} from '../../../client/http-request.ts';
import { helperArgumentProblem, quoteArg, splitArgs } from '../../../client/placeholders.ts';
import { getHeader } from '../../../client/send-request.ts';
import {
  CLIENT_ASSERTION_TYPE,
  type ClientAuthMethod,
  type FormFromHttpRequestResult,
  formFromHttpRequest,
  type TokenRequestForm,
} from '../../../client/token-request.ts';

/** The scopes the mock API knows (CONTRACT.md, "Resource API"). */
export const KNOWN_SCOPES = ['read:users', 'read:orders', 'write:orders'] as const;

export const AUTH_METHOD_LABELS: Record<ClientAuthMethod, string> = {
  client_secret_post_json: 'JSON body',
  client_secret_post: 'Form body',
  client_secret_basic: 'Basic header',
  private_key_jwt: 'Signed JWT assertion',
};

/** Is this a request to a token endpoint (`…/oauth/token`)? */
export function isTokenEndpoint(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith('/oauth/token');
  } catch {
    return /\/oauth\/token(?:$|[?#])/.test(url);
  }
}

/**
 * Form-urlencode a value for the editor: what URLSearchParams would send, except that `:` and
 * `/` stay readable (both are allowed as-is in a form body) and `{{placeholders}}` stay intact so
 * the page can still fill them.
 */
export function readableFormEncode(value: string): string {
  return value
    .split(/(\{\{[^}]*\}\})/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : encodeURIComponent(part)
            .replace(/%20/g, '+')
            .replace(/%3A/gi, ':')
            .replace(/%2F/gi, '/')
            .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('');
}

const BASIC_HELPER = /^\s*basic\s+\{\{\s*\$basic\s+(.*?)\s*\}\}\s*$/i;

/** The parameters of the form in the order the RFC lists them, empty ones left out. */
function formParams(form: TokenRequestForm, auth: [string, string][]): [string, string][] {
  const params: [string, string][] = [];
  if (form.grantType !== '') params.push(['grant_type', form.grantType]);
  params.push(...auth);
  const scope = form.scope.filter((s) => s !== '').join(' ');
  if (scope !== '') params.push(['scope', scope]);
  if (form.audience) params.push(['audience', form.audience]);
  if (form.resource) params.push(['resource', form.resource]);
  return params;
}

/**
 * The `.http` text of a token request built from the form. Unlike `buildTokenRequest`, which
 * makes a request ready to send, this keeps the request readable and re-fillable: Basic
 * credentials as `{{$basic id secret}}` and a fresh `{{$client_assertion id}}` on every send.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export function printTokenRequest(form: TokenRequestForm, url: string): string {
  const id: [string, string][] = form.clientId !== '' ? [['client_id', form.clientId]] : [];
  const secret: [string, string][] =
    form.clientSecret !== '' ? [['client_secret', form.clientSecret]] : [];
  const formBody = (pairs: [string, string][]) =>
    pairs.map(([k, v]) => `${k}=${readableFormEncode(v)}`).join('&');
  const formType = 'Content-Type: application/x-www-form-urlencoded';
  switch (form.authMethod) {
    case 'client_secret_post_json': {
      const body = Object.fromEntries(formParams(form, [...id, ...secret]));
      return `POST ${url}\nContent-Type: application/json\n\n${JSON.stringify(body, null, 2)}\n`;
    }
    case 'client_secret_post':
      return `POST ${url}\n${formType}\n\n${formBody(formParams(form, [...id, ...secret]))}\n`;
    case 'client_secret_basic':
      return `POST ${url}\n${formType}\nAuthorization: Basic {{$basic ${quoteArg(form.clientId)} ${quoteArg(form.clientSecret)}}}\n\n${formBody(formParams(form, []))}\n`;
    case 'private_key_jwt':
      return `POST ${url}\n${formType}\n\n${formBody(
        formParams(form, [
          ...id,
          ['client_assertion_type', CLIENT_ASSERTION_TYPE],
          ['client_assertion', `{{$client_assertion ${form.clientId || 'signing-client'}}}`],
        ]),
      )}\n`;
  }
}

/**
 * The form a raw token request describes, or why the form cannot show it. Understands what
 * {@link printTokenRequest} writes: `{{$basic …}}` credentials and `{{$client_assertion …}}`.
 */
export function readTokenForm(request: HttpRequestModel): FormFromHttpRequestResult {
  const authorization = getHeader(request.headers, 'authorization');
  const helper = authorization === undefined ? undefined : BASIC_HELPER.exec(authorization);
  if (!helper) return formFromHttpRequest(request);
  const args = splitArgs(helper[1] ?? '');
  const problem = helperArgumentProblem('basic', args.length);
  if (problem !== undefined) return { ok: false, reason: problem };
  // Swap in the header the helper would produce, so the shared reader checks everything else.
  const swapped: HttpRequestModel = {
    ...request,
    headers: request.headers.map(([n, v]) =>
      n.toLowerCase() === 'authorization'
        ? [n, `Basic ${basicCredentials(args[0] ?? '', args[1] ?? '')}`]
        : [n, v],
    ),
  };
  return formFromHttpRequest(swapped);
}

/** The headers the builder writes; every other header is the learner's and stays as typed. */
const FORM_HEADERS = new Set(['content-type', 'authorization']);

function isCommentLine(line: string): boolean {
  const t = line.trimStart();
  return (t.startsWith('#') && !t.startsWith('###')) || t.startsWith('//');
}

function isSeparatorLine(line: string): boolean {
  return line.trimStart().startsWith('###');
}

/**
 * The raw text after a builder edit: the request {@link printTokenRequest} makes of `form`, laid
 * into the text the learner (or the lesson) wrote. Comment lines (`#`, `//`) and blank lines
 * before the request line, comments among the headers, the order of the headers, headers the
 * builder does not manage (`Accept`, say), the request line as written when its method and URL
 * are unchanged, and whatever follows a `###` line all stay; the builder's own headers
 * (`Content-Type`, `Authorization`) change in place, go when the new request has none and come
 * after the last header when new; the body is the new one. Text that does not parse is reprinted.
 */
export function updateTokenRequestText(
  previous: string,
  form: TokenRequestForm,
  url: string,
): string {
  const printed = printTokenRequest(form, url);
  const before = parseHttpRequest(previous);
  const next = parseHttpRequest(printed);
  if (!before.ok || !next.ok) return printed;

  const lines = previous.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() !== '' && !isCommentLine(line) && !isSeparatorLine(line)) break;
    out.push(line);
    i++;
  }

  const requestLines = [lines[i] ?? ''];
  for (i++; i < lines.length && /^\s+[?&]/.test(lines[i] ?? ''); i++)
    requestLines.push(lines[i] ?? '');
  const sameTarget =
    before.request.method === next.request.method && before.request.url === next.request.url;
  out.push(...(sameTarget ? requestLines : [`${next.request.method} ${next.request.url}`]));

  const wanted = new Map(next.request.headers.map(([name, value]) => [name.toLowerCase(), value]));
  const written = new Set<string>();
  let afterLastHeader = out.length;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || isSeparatorLine(line)) break;
    if (isCommentLine(line)) {
      out.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const key = name.toLowerCase();
    if (FORM_HEADERS.has(key)) {
      const value = wanted.get(key);
      if (value === undefined || written.has(key)) continue; // the new request does not send it
      out.push(`${name}: ${value}`);
      written.add(key);
    } else {
      out.push(line);
    }
    afterLastHeader = out.length;
  }
  const added = next.request.headers
    .filter(([name]) => FORM_HEADERS.has(name.toLowerCase()) && !written.has(name.toLowerCase()))
    .map(([name, value]) => `${name}: ${value}`);
  out.splice(afterLastHeader, 0, ...added);

  // The old body goes; a `###` line and what follows it stay.
  while (i < lines.length && !isSeparatorLine(lines[i] ?? '')) i++;
  const tail = lines.slice(i);
  const body = printed.slice(printed.indexOf('\n\n') + 2);
  return `${out.join('\n')}\n\n${body}${tail.length > 0 ? tail.join('\n') : ''}`;
}
