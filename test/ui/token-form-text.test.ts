import { describe, expect, it } from 'vitest';
import { parseHttpRequest, type TokenRequestForm } from '../../src/client/index.ts';
import {
  printTokenRequest,
  readTokenForm,
  updateTokenRequestText,
} from '../../src/ui/blocks/request-block/token-form.ts';

const URL = 'https://auth.example.com/oauth/token';

const FORM: TokenRequestForm = {
  grantType: 'client_credentials',
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  authMethod: 'client_secret_post',
  scope: ['read:users'],
};

/** The form the builder would read back from a text (what the fields show after an edit). */
function formOf(text: string): TokenRequestForm {
  const parsed = parseHttpRequest(text);
  if (!parsed.ok) throw new Error(`does not parse: ${JSON.stringify(parsed.errors)}`);
  const result = readTokenForm(parsed.request);
  if (!result.ok) throw new Error(result.reason);
  return result.form;
}

describe('updateTokenRequestText (a builder edit into the raw .http text)', () => {
  it('keeps comment lines before the request line and among the headers when a field changes', () => {
    const text = [
      '# Step 1: ask for a token',
      '// the secret comes from the seeded client',
      'POST https://auth.example.com/oauth/token',
      '# form-encoded, as RFC 6749 asks',
      'Content-Type: application/x-www-form-urlencoded',
      '',
      'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=read:users',
      '',
    ].join('\n');
    const next = updateTokenRequestText(
      text,
      { ...FORM, scope: ['read:users', 'read:orders'] },
      URL,
    );
    expect(next).toBe(
      [
        '# Step 1: ask for a token',
        '// the secret comes from the seeded client',
        'POST https://auth.example.com/oauth/token',
        '# form-encoded, as RFC 6749 asks',
        'Content-Type: application/x-www-form-urlencoded',
        '',
        'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=read:users+read:orders',
        '',
      ].join('\n'),
    );
    expect(formOf(next).scope).toEqual(['read:users', 'read:orders']);
  });

  it('keeps the header order and the header name spelling, changing values in place', () => {
    const text = [
      'POST https://auth.example.com/oauth/token',
      'authorization: Basic {{$basic demo-client demo-secret}}',
      '// then the body type',
      'content-type: application/x-www-form-urlencoded',
      '',
      'grant_type=client_credentials',
    ].join('\n');
    const basic: TokenRequestForm = { ...FORM, authMethod: 'client_secret_basic', scope: [] };
    const next = updateTokenRequestText(text, { ...basic, clientSecret: 'other-secret' }, URL);
    expect(next.split('\n').slice(0, 5)).toEqual([
      'POST https://auth.example.com/oauth/token',
      'authorization: Basic {{$basic demo-client other-secret}}',
      '// then the body type',
      'content-type: application/x-www-form-urlencoded',
      '',
    ]);
    expect(formOf(next).clientSecret).toBe('other-secret');
  });

  it('drops the Authorization header when the method moves the credentials into the body, keeping the rest', () => {
    const text = [
      '# Basic first',
      'POST https://auth.example.com/oauth/token',
      'Authorization: Basic {{$basic demo-client demo-secret}}',
      '# the body is a form',
      'Content-Type: application/x-www-form-urlencoded',
      '',
      'grant_type=client_credentials',
    ].join('\n');
    const next = updateTokenRequestText(text, { ...FORM, scope: [] }, URL);
    expect(next).toBe(
      [
        '# Basic first',
        'POST https://auth.example.com/oauth/token',
        '# the body is a form',
        'Content-Type: application/x-www-form-urlencoded',
        '',
        'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
        '',
      ].join('\n'),
    );
  });

  it('adds a new builder header after the last header, and a JSON body replaces the form body', () => {
    const text = [
      'POST https://auth.example.com/oauth/token',
      'Content-Type: application/x-www-form-urlencoded',
      '# end of headers',
      '',
      'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
    ].join('\n');
    const json = updateTokenRequestText(
      text,
      { ...FORM, authMethod: 'client_secret_post_json' },
      URL,
    );
    expect(json.split('\n').slice(0, 4)).toEqual([
      'POST https://auth.example.com/oauth/token',
      'Content-Type: application/json',
      '# end of headers',
      '',
    ]);
    expect(formOf(json)).toEqual({ ...FORM, authMethod: 'client_secret_post_json' });

    const basic = updateTokenRequestText(text, { ...FORM, authMethod: 'client_secret_basic' }, URL);
    expect(basic.split('\n').slice(0, 4)).toEqual([
      'POST https://auth.example.com/oauth/token',
      'Content-Type: application/x-www-form-urlencoded',
      'Authorization: Basic {{$basic demo-client demo-secret}}',
      '# end of headers',
    ]);
    expect(formOf(basic).authMethod).toBe('client_secret_basic');
  });

  it('keeps the request line as written (HTTP version) and what follows a ### line', () => {
    const text = [
      'POST https://auth.example.com/oauth/token HTTP/1.1',
      'Content-Type: application/x-www-form-urlencoded',
      '',
      'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=read:users',
      '',
      '### notes for later',
      '# try a wrong secret next',
    ].join('\n');
    const next = updateTokenRequestText(text, { ...FORM, clientId: 'orders-service' }, URL);
    expect(next.split('\n')[0]).toBe('POST https://auth.example.com/oauth/token HTTP/1.1');
    expect(next.endsWith('### notes for later\n# try a wrong secret next')).toBe(true);
    expect(formOf(next).clientId).toBe('orders-service');
  });

  it('reprints from the form when the text does not parse, and when the URL changes writes the new one', () => {
    expect(updateTokenRequestText('BOGUS LINE', FORM, URL)).toBe(printTokenRequest(FORM, URL));
    const moved = updateTokenRequestText(
      printTokenRequest(FORM, URL),
      FORM,
      'https://auth.example.com/other/oauth/token',
    );
    expect(moved.split('\n')[0]).toBe('POST https://auth.example.com/other/oauth/token');
  });
});

describe('a DPoP header beside the builder', () => {
  it('leaves the form readable, and stays as written when a field changes', () => {
    const text = `POST ${URL}
Authorization: Basic {{$basic dpop-client dpop-secret}}
Content-Type: application/x-www-form-urlencoded
DPoP: {{$dpop}}

grant_type=client_credentials&scope=read:users`;
    const form = formOf(text);
    expect(form.clientId).toBe('dpop-client');
    const next = updateTokenRequestText(text, { ...form, scope: ['read:orders'] }, URL);
    expect(next).toContain('DPoP: {{$dpop}}');
    expect(next).toContain('scope=read:orders');
  });
});
