import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importSPKI,
  jwtVerify,
} from 'jose';
import { describe, expect, it } from 'vitest';
import {
  basicAuthorization,
  loadAssertionKey,
  signAssertion,
} from '../../src/conformance/client-auth.ts';

describe('basicAuthorization', () => {
  it('form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    const header = basicAuthorization('my client', 'p:ss/wörd');
    expect(header).toBe(`Basic ${btoa('my+client:p%3Ass%2Fw%C3%B6rd')}`);
  });
});

describe('loadAssertionKey', () => {
  it('reads a PKCS#8 PEM and finds its alg (RS256)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const key = await loadAssertionKey(await exportPKCS8(privateKey), { kid: 'rsa-1' });
    expect(key.alg).toBe('RS256');
    const assertion = await signAssertion(key, 'svc', 'https://auth.example.com/token');
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'rsa-1' });
    const spki = await importSPKI(await exportSPKI(publicKey), 'RS256');
    const { payload } = await jwtVerify(assertion, spki, {
      issuer: 'svc',
      subject: 'svc',
      audience: 'https://auth.example.com/token',
    });
    expect(typeof payload.jti).toBe('string');
  });

  it('reads a private JWK, taking alg from its curve and kid from the JWK', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'ec-1' };
    const key = await loadAssertionKey(JSON.stringify(jwk));
    expect(key).toMatchObject({ alg: 'ES256', kid: 'ec-1' });
    expect(key.secrets).toEqual([jwk.d]);
    const expired = decodeJwt(await signAssertion(key, 'svc', 'aud', { expiresIn: -120 }));
    expect((expired.exp ?? 0) < Date.now() / 1000).toBe(true);
  });

  it.each([
    ['{"kty": "EC"', 'the key file starts with "{" but is not valid JSON'],
    ['{"keys": []}', 'the key file is JSON but not a JWK (no "kty")'],
    [
      '{"kty":"EC","crv":"P-256","x":"a","y":"b"}',
      'the JWK has no private part ("d"): give the private key, not the public one',
    ],
    [
      '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----',
      'the PEM is not PKCS#8 ("BEGIN PRIVATE KEY"). Convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem',
    ],
    ['hello', 'the key file is neither a JWK (JSON) nor a PKCS#8 PEM'],
  ])('refuses %j with a message', async (text, message) => {
    await expect(loadAssertionKey(text)).rejects.toThrow(message);
  });

  it('refuses an alg the key cannot do', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    await expect(loadAssertionKey(JSON.stringify(jwk), { alg: 'RS256' })).rejects.toThrow(
      /^the JWK cannot be used with alg RS256: /,
    );
  });
});
