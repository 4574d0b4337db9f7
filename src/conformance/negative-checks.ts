/**
 * The article's negatives, edge cases and security checks against the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
import type { CheckId } from './checks.ts';
import {
  assertionAuth,
  type ClientAuth,
  secretBasic,
  secretPost,
  signAssertion,
} from './client-auth.ts';
import type { ConformanceRun } from './conformance-run.ts';
import { jsonObject, type ProbeResponse, summarize } from './http-probe.ts';
import {
  errorOf,
  gradeScopeAnswer,
  grantedScopes,
  isRfcErrorCode,
  issuedToken,
} from './scope-grading.ts';
import type { IssuedToken } from './token-checks.ts';

const NEGATIVE_CHECKS: CheckId[] = [
  'negative.wrong-secret-basic',
  'negative.wrong-secret-post',
  'negative.unknown-client',
  'negative.missing-grant-type',
  'negative.unsupported-grant-type',
  'negative.unknown-scope',
  'negative.many-scopes',
  'negative.forbidden-scope',
  'negative.duplicate-parameter',
  'negative.two-auth-methods',
  'negative.get-method',
  'negative.credentials-in-query',
  'negative.error-format',
  'negative.expired-assertion',
  'negative.assertion-wrong-aud',
  'negative.assertion-replay',
];

/** A value no real server has registered. */
const made = (what: string) => `conformance-${what}-${crypto.randomUUID().slice(0, 8)}`;

export async function checkNegatives(run: ConformanceRun, issued: IssuedToken[]): Promise<void> {
  const primary = run.primaryMethod;
  if (!run.tokenEndpoint || !primary) {
    run.skipAll(NEGATIVE_CHECKS, 'no token endpoint or no usable client authentication');
    return;
  }
  const { clientId, clientSecret } = run.options;
  const errors: { id: CheckId; response: ProbeResponse }[] = [];
  const sent = async (id: CheckId, auth: ClientAuth, form: [string, string][]) => {
    const response = await run.tokenRequest(auth, form);
    if (issuedToken(response)) run.keepSecret(jsonObject(response)?.access_token);
    if (response.status >= 400) errors.push({ id, response });
    return response;
  };
  const grant: [string, string][] = [['grant_type', 'client_credentials']];
  const extras = run.tokenParams();
  const wrongSecret = made('wrong-secret');

  if (!run.methods.includes('client_secret_basic'))
    run.skip('negative.wrong-secret-basic', 'client_secret_basic is not being tested');
  else
    await run.attempt('negative.wrong-secret-basic', async () => {
      const r = await sent('negative.wrong-secret-basic', secretBasic(clientId, wrongSecret), [
        ...grant,
        ...extras,
      ]);
      const challenge = r.headers.get('www-authenticate') ?? '';
      run.expect(
        'negative.wrong-secret-basic',
        r.status === 401 && errorOf(r) === 'invalid_client' && /\bbasic\b/i.test(challenge),
        `${summarize(r)}, WWW-Authenticate: ${challenge || 'absent'}`,
      );
    });

  if (!run.methods.includes('client_secret_post'))
    run.skip('negative.wrong-secret-post', 'client_secret_post is not being tested');
  else
    await run.attempt('negative.wrong-secret-post', async () => {
      const r = await sent('negative.wrong-secret-post', secretPost(clientId, wrongSecret), [
        ...grant,
        ...extras,
      ]);
      run.expect(
        'negative.wrong-secret-post',
        (r.status === 400 || r.status === 401) && errorOf(r) === 'invalid_client',
        summarize(r),
      );
    });

  await run.attempt('negative.unknown-client', async () => {
    const unknownId = made('unknown-client');
    let auth: ClientAuth;
    if (run.methods.includes('client_secret_basic')) auth = secretBasic(unknownId, wrongSecret);
    else if (run.methods.includes('client_secret_post')) auth = secretPost(unknownId, wrongSecret);
    else {
      const key = run.assertionKey;
      if (!key) throw new Error('no credentials');
      auth = assertionAuth(unknownId, await signAssertion(key, unknownId, run.tokenEndpoint ?? ''));
    }
    const r = await sent('negative.unknown-client', auth, [...grant, ...extras]);
    const basic = auth.headers.authorization !== undefined;
    run.expect(
      'negative.unknown-client',
      errorOf(r) === 'invalid_client' &&
        (basic ? r.status === 401 : r.status === 400 || r.status === 401),
      summarize(r),
    );
  });

  await run.attempt('negative.missing-grant-type', async () => {
    const r = await sent('negative.missing-grant-type', await run.auth(primary), extras);
    run.expect(
      'negative.missing-grant-type',
      r.status === 400 && errorOf(r) === 'invalid_request',
      summarize(r),
    );
  });

  await run.attempt('negative.unsupported-grant-type', async () => {
    const r = await sent('negative.unsupported-grant-type', await run.auth(primary), [
      ['grant_type', 'urn:example:conformance:not-a-grant-type'],
      ...extras,
    ]);
    run.expect(
      'negative.unsupported-grant-type',
      r.status === 400 && errorOf(r) === 'unsupported_grant_type',
      `grant_type=urn:example:conformance:not-a-grant-type: ${summarize(r)}`,
    );
  });

  await run.attempt('negative.unknown-scope', async () => {
    const unknown = made('scope');
    const requested = [...(run.options.scope?.split(' ') ?? []), unknown];
    const others = extras.filter(([name]) => name !== 'scope');
    const r = await sent('negative.unknown-scope', await run.auth(primary), [
      ...grant,
      ['scope', requested.join(' ')],
      ...others,
    ]);
    gradeScopeAnswer(run, 'negative.unknown-scope', r, {
      label: '',
      requested,
      madeUp: [unknown],
    });
  });

  await run.attempt('negative.many-scopes', async () => {
    const scopes = Array.from({ length: 50 }, (_, i) => `conformance:scope-${i + 1}`);
    const others = extras.filter(([name]) => name !== 'scope');
    const r = await sent('negative.many-scopes', await run.auth(primary), [
      ...grant,
      ['scope', scopes.join(' ')],
      ...others,
    ]);
    gradeScopeAnswer(run, 'negative.many-scopes', r, {
      label: '50 made-up scopes',
      requested: scopes,
      madeUp: scopes,
    });
  });

  await run.attempt('negative.forbidden-scope', () =>
    checkForbiddenScope(run, issued, async (form) =>
      sent('negative.forbidden-scope', await run.auth(primary), [
        ...grant,
        ...form,
        ...extras.filter(([name]) => name !== 'scope'),
      ]),
    ),
  );

  await run.attempt('negative.duplicate-parameter', async () => {
    const r = await sent('negative.duplicate-parameter', await run.auth(primary), [
      ...grant,
      ...grant,
      ...extras,
    ]);
    run.expect(
      'negative.duplicate-parameter',
      r.status === 400 && errorOf(r) === 'invalid_request',
      `grant_type twice: ${summarize(r)}`,
    );
  });

  if (clientSecret === undefined) run.skip('negative.two-auth-methods', 'needs --client-secret');
  else
    await run.attempt('negative.two-auth-methods', async () => {
      const basic = secretBasic(clientId, clientSecret);
      const post = secretPost(clientId, clientSecret);
      const r = await sent(
        'negative.two-auth-methods',
        { headers: basic.headers, form: post.form },
        [...grant, ...extras],
      );
      run.observe(
        'negative.two-auth-methods',
        issuedToken(r)
          ? 'accepted: 200 with a token (RFC 6749 §2.3: the client MUST NOT use two methods; the server may refuse with invalid_request or take one)'
          : `refused: ${summarize(r)}`,
      );
    });

  await run.attempt('negative.get-method', async () => {
    const auth = await run.auth(primary);
    const url = new URL(run.tokenEndpoint ?? '');
    for (const [name, value] of [...grant, ...extras, ...auth.form])
      url.searchParams.append(name, value);
    const r = await run.send(url.href, { method: 'GET', headers: auth.headers });
    if (issuedToken(r)) run.keepSecret(jsonObject(r)?.access_token);
    run.observe(
      'negative.get-method',
      issuedToken(r)
        ? 'GET issued a token (RFC 6749 §3.2: the client MUST use POST; what a server does with a GET is its choice, but the request sat in a URL that logs keep)'
        : `refused: ${summarize(r)}${r.status === 405 ? ` (Allow: ${r.headers.get('allow') ?? 'absent'})` : ''}`,
    );
  });

  await run.attempt('negative.credentials-in-query', async () => {
    const auth = await run.auth(primary);
    if (auth.form.length === 0) {
      // Basic only: put the same credentials in the query instead.
      auth.form.push(['client_id', clientId], ['client_secret', clientSecret ?? '']);
    }
    const url = new URL(run.tokenEndpoint ?? '');
    for (const [name, value] of auth.form) url.searchParams.append(name, value);
    const r = await run.send(url.href, { method: 'POST', form: [...grant, ...extras] });
    if (issuedToken(r)) run.keepSecret(jsonObject(r)?.access_token);
    run.expect(
      'negative.credentials-in-query',
      !issuedToken(r) && r.status < 500,
      issuedToken(r) ? 'credentials in the query string were accepted' : summarize(r),
    );
  });

  await checkAssertionNegatives(run, sent);

  const malformed = errors.filter(({ response }) => {
    const error = errorOf(response);
    return (
      response.status !== 405 &&
      (error === undefined || !/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(error))
    );
  });
  const unregistered = errors
    .map(({ response }) => errorOf(response))
    .filter((e): e is string => e !== undefined && !isRfcErrorCode(e));
  if (errors.length === 0) run.skip('negative.error-format', 'no error answers to look at');
  else
    run.expect(
      'negative.error-format',
      malformed.length === 0,
      malformed.length === 0
        ? `${errors.length} error answers, all JSON with an error code${unregistered.length ? ` (codes no RFC defines: ${[...new Set(unregistered)].join(', ')})` : ''}`
        : `no JSON error code in: ${malformed.map(({ id, response }) => `${id} (${summarize(response)})`).join(', ')}`,
    );
}

async function checkAssertionNegatives(
  run: ConformanceRun,
  sent: (id: CheckId, auth: ClientAuth, form: [string, string][]) => Promise<ProbeResponse>,
): Promise<void> {
  const ids = [
    'negative.expired-assertion',
    'negative.assertion-wrong-aud',
    'negative.assertion-replay',
  ] as const;
  if (!run.methods.includes('private_key_jwt')) {
    run.skipAll(ids, 'private_key_jwt is not being tested');
    return;
  }
  const form: [string, string][] = [['grant_type', 'client_credentials'], ...run.tokenParams()];
  const refused = (r: ProbeResponse) =>
    (r.status === 400 || r.status === 401) && errorOf(r) === 'invalid_client';

  await run.attempt('negative.expired-assertion', async () => {
    const r = await sent(
      'negative.expired-assertion',
      await run.auth('private_key_jwt', { expiresIn: -120 }),
      form,
    );
    run.expect('negative.expired-assertion', refused(r), `exp 2 minutes ago: ${summarize(r)}`);
  });
  await run.attempt('negative.assertion-wrong-aud', async () => {
    const r = await sent(
      'negative.assertion-wrong-aud',
      await run.auth('private_key_jwt', { aud: 'https://conformance.invalid/not-this-server' }),
      form,
    );
    run.expect(
      'negative.assertion-wrong-aud',
      refused(r),
      `aud https://conformance.invalid/not-this-server: ${summarize(r)}`,
    );
  });
  await run.attempt('negative.assertion-replay', async () => {
    const auth = await run.auth('private_key_jwt');
    const first = await sent('negative.assertion-replay', auth, form);
    if (!issuedToken(first)) {
      run.observe('negative.assertion-replay', `the first use already failed: ${summarize(first)}`);
      return;
    }
    run.keepSecret(jsonObject(first)?.access_token);
    const second = await sent('negative.assertion-replay', auth, form);
    run.observe(
      'negative.assertion-replay',
      issuedToken(second)
        ? 'accepted twice: the server does not remember jti (RFC 7523 §3 lets it; replay protection is then the short exp alone)'
        : `refused the second time: ${summarize(second)}`,
    );
  });
}

/**
 * A scope this client may not have (the one the API at --forbidden-api names in its 403) must
 * never be issued: asked for, it is refused (invalid_scope) or left out. When that API accepted
 * the token instead, and the token carries scopes beyond those asked for, the authorization
 * server put them there.
 */
async function checkForbiddenScope(
  run: ConformanceRun,
  issued: IssuedToken[],
  request: (form: [string, string][]) => Promise<ProbeResponse>,
): Promise<void> {
  const id = 'negative.forbidden-scope';
  const url = run.options.forbiddenApi;
  const probe = run.forbiddenProbe;
  const first = issued[0];
  if (!url) return run.skip(id, 'no --forbidden-api given');
  if (!probe || !first) return run.skip(id, 'no token to call --forbidden-api with');
  const { response } = probe;
  if (response.status >= 200 && response.status < 300) {
    const asked = run.options.scope?.split(' ') ?? [];
    const granted = grantedScopes(first.body, asked);
    const added = granted.scopes.filter((s) => !asked.includes(s));
    if (run.options.scope && added.length > 0) {
      run.fail(
        id,
        `the token asked for with scope ${JSON.stringify(run.options.scope)} came with ${JSON.stringify(granted.scopes.join(' '))}, and ${url} accepted it: the authorization server issued ${added.join(' ')}, which this client may not have`,
      );
      return;
    }
    return run.skip(
      id,
      `${url} accepted the token, so it named no scope to ask for (see api.insufficient-scope)`,
    );
  }
  if (probe.named.length === 0) {
    return run.skip(
      id,
      `${url} answered ${response.status} without a scope="..." naming the scope it needs`,
    );
  }
  const r = await request([['scope', probe.named.join(' ')]]);
  gradeScopeAnswer(run, id, r, {
    label: `asked for ${probe.named.join(' ')}, which ${url} needs and this client may not have`,
    requested: probe.named,
    madeUp: [],
  });
}
