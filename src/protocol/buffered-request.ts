/** Methods the Fetch standard upper-cases when given in any case. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
/** RFC 9110 token: what a method must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Methods a `Request` refuses to carry. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * A request whose body the runtime already holds in memory, as the Node HTTP adapter does once
 * it has read the socket. It is the `Request` interface without Node's `Request` class behind it:
 * in Node 20 that class costs an AbortSignal and, with a body, a web stream per request, which
 * together cost more CPU and garbage collection than the rest of answering a token request.
 *
 * The core reads `url`, `method`, `headers` and the body, which parse-body.ts takes from
 * `buffered` directly. Every other member (`body`, `text()`, `signal`, `clone()`, ...) is a real
 * `Request`'s, made from these parts on first use. The URL and method are normalized, and
 * refused, as `new Request` would do it, so the core sees exactly what it would see. Why the
 * protocol knows it: docs/decisions/buffered-request.md.
 */
export class BufferedRequest implements Request {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The body as received; null for a request without one (GET, HEAD). */
  readonly buffered: Uint8Array<ArrayBuffer> | null;
  #full: Request | undefined;

  constructor(
    url: string | URL,
    init: { method: string; headers: Headers },
    bytes: Uint8Array<ArrayBuffer> | null,
  ) {
    if (!TOKEN.test(init.method))
      throw new TypeError(`'${init.method}' is not a valid HTTP method.`);
    const upper = init.method.toUpperCase();
    if (FORBIDDEN_METHODS.has(upper))
      throw new TypeError(`'${init.method}' HTTP method is unsupported.`);
    const method = NORMALIZED_METHODS.has(upper) ? upper : init.method;
    if (bytes !== null && (method === 'GET' || method === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    }
    // A URL the caller already parsed is not parsed again (its href is what `new URL` gives).
    this.url = url instanceof URL ? url.href : new URL(url).href;
    this.method = method;
    this.headers = init.headers;
    this.buffered = bytes;
  }

  /** The same request as a real `Request` (with a body stream), made once, for other readers. */
  #request(): Request {
    this.#full ??= new Request(this.url, {
      method: this.method,
      headers: this.headers,
      body: this.buffered,
    });
    return this.#full;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.buffered === null ? null : this.#request().body;
  }
  get bodyUsed(): boolean {
    return this.#full?.bodyUsed ?? false;
  }
  get cache(): RequestCache {
    return this.#request().cache;
  }
  get credentials(): RequestCredentials {
    return this.#request().credentials;
  }
  get destination(): RequestDestination {
    return this.#request().destination;
  }
  get integrity(): string {
    return this.#request().integrity;
  }
  get keepalive(): boolean {
    return this.#request().keepalive;
  }
  get mode(): RequestMode {
    return this.#request().mode;
  }
  get redirect(): RequestRedirect {
    return this.#request().redirect;
  }
  get referrer(): string {
    return this.#request().referrer;
  }
  get referrerPolicy(): ReferrerPolicy {
    return this.#request().referrerPolicy;
  }
  get signal(): AbortSignal {
    return this.#request().signal;
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#request().arrayBuffer();
  }
  blob(): Promise<Blob> {
    return this.#request().blob();
  }
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.#request().arrayBuffer());
  }
  formData(): Promise<FormData> {
    return this.#request().formData();
  }
  json(): Promise<unknown> {
    return this.#request().json();
  }
  text(): Promise<string> {
    return this.#request().text();
  }
  clone(): Request {
    return this.#request().clone();
  }
}
