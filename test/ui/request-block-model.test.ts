/**
 * A request block's rules without React (src/ui/blocks/request-block/use-request-block.ts): what
 * the token builder can show, why Send refuses, what a send reports, and the variable chips.
 */
import { describe, expect, it } from 'vitest';
import { parseHttpRequest } from '../../src/client/http-request.ts';
import {
  builderView,
  decodeProof,
  dpopApplies,
  opensEditing,
  sendReport,
  sentProof,
  unsentReason,
  usesDpop,
  variableChips,
  withDpop,
} from '../../src/ui/blocks/request-block/request-block-model.ts';

const TOKEN = 'https://auth.example.com/oauth/token';
const tokenText = `POST ${TOKEN}
Content-Type: application/x-www-form-urlencoded

grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret`;

describe('builderView', () => {
  it('reads the form of a token request', () => {
    const view = builderView(parseHttpRequest(tokenText), TOKEN);
    expect(view.isToken).toBe(true);
    expect(view.form).toMatchObject({ clientId: 'demo-client', authMethod: 'client_secret_post' });
    expect(view.blockedReason).toBeUndefined();
  });

  it('keeps the builder for a broken token request, read-only, and says why', () => {
    const view = builderView(parseHttpRequest('POST'), TOKEN);
    expect(view).toEqual({
      isToken: true,
      form: undefined,
      blockedReason: 'the raw request has a syntax error.',
    });
  });

  it('has no builder for an API call', () => {
    const view = builderView(parseHttpRequest('GET https://api.example.com/api/v1/users'), TOKEN);
    expect(view.isToken).toBe(false);
  });
});

describe('sending', () => {
  it('refuses a text that does not parse, naming the line and column', () => {
    expect(unsentReason(parseHttpRequest(tokenText))).toBeUndefined();
    expect(unsentReason(parseHttpRequest('FETCH https://api.example.com/'))).toMatch(
      /^The request cannot be sent until it parses\. Line 1, column 1: /,
    );
  });

  it('reports the error, the saved variables and drift', () => {
    expect(sendReport({ error: 'nope' })).toEqual({
      sendError: 'nope',
      saved: undefined,
      drifted: false,
    });
    const exchange = {} as never;
    expect(
      sendReport({
        exchange,
        saved: ['access_token'],
        expectation: { ok: false, reasons: ['x'] },
        drift: ['the clock moved'],
      } as never),
    ).toEqual({ sendError: undefined, saved: ['access_token'], drifted: true });
    expect(
      sendReport({
        exchange,
        saved: [],
        expectation: { ok: true, reasons: [] },
        drift: ['x'],
      } as never).drifted,
    ).toBe(false);
  });
});

describe('variableChips', () => {
  it('lists the variables in use, not the helpers, with short values', () => {
    const text =
      'GET https://api.example.com/{{path}}\nAuthorization: Bearer {{access_token}}\nX-Id: {{$uuid}}';
    expect(variableChips(text, { access_token: 'x'.repeat(30) })).toEqual([
      { name: 'path', set: false, shown: 'not set yet' },
      { name: 'access_token', set: true, shown: `${'x'.repeat(20)}…` },
    ]);
  });
});

describe('opensEditing', () => {
  it('opens editable blocks, token requests and edited texts in the editor', () => {
    const block = { editable: false } as never;
    expect(opensEditing(block, false, false)).toBe(false);
    expect(opensEditing(block, true, false)).toBe(true);
    expect(opensEditing(block, false, true)).toBe(true);
  });
});

describe('the DPoP switch', () => {
  const call = 'GET https://api.example.com/api/v1/users\nAuthorization: Bearer {{access_token}}';
  it('adds a DPoP header and the DPoP scheme, and takes both back out', () => {
    const on = withDpop(call, true);
    expect(on).toBe(
      'GET https://api.example.com/api/v1/users\nAuthorization: DPoP {{access_token}}\nDPoP: {{$dpop}}',
    );
    expect(usesDpop(on)).toBe(true);
    expect(withDpop(on, false)).toBe(call);
    expect(usesDpop(call)).toBe(false);
  });

  it('keeps comments, the body and the learner’s own lines; adds the header only once', () => {
    const token = `# get one
POST https://auth.example.com/oauth/token
Authorization: Basic {{$basic dpop-client dpop-secret}}
Content-Type: application/x-www-form-urlencoded

grant_type=client_credentials`;
    const on = withDpop(token, true);
    expect(on).toBe(`# get one
POST https://auth.example.com/oauth/token
Authorization: Basic {{$basic dpop-client dpop-secret}}
Content-Type: application/x-www-form-urlencoded
DPoP: {{$dpop}}

grant_type=client_credentials`);
    expect(withDpop(on, true)).toBe(on);
    expect(withDpop(on, false)).toBe(token);
  });

  it('applies to token requests and API calls, not to the control API', () => {
    expect(dpopApplies('https://auth.example.com/oauth/token')).toBe(true);
    expect(dpopApplies('https://api.example.com/api/v1/orders')).toBe(true);
    expect(dpopApplies('https://auth.example.com/__admin/clock')).toBe(false);
  });

  it('decodes the proof a request was sent with', () => {
    const enc = (v: unknown) =>
      btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const proof = `${enc({ typ: 'dpop+jwt', alg: 'ES256' })}.${enc({ htm: 'GET' })}.sig`;
    expect(sentProof([['DPoP', proof]])).toBe(proof);
    expect(decodeProof(proof)).toEqual({
      ok: true,
      header: { typ: 'dpop+jwt', alg: 'ES256' },
      claims: { htm: 'GET' },
    });
    expect(decodeProof('x.y.z')).toEqual({ ok: false });
  });
});
