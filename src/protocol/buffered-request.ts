/**
 * A `Request` whose body the runtime already holds in memory, as the Node HTTP adapter does once
 * it has read the socket. It is made without a body stream: in Node 20 each web stream costs
 * ~100 µs of CPU and garbage collection per request, more than the rest of the HTTP handling.
 * The core reads `buffered` directly (parse-body.ts); any other reader of `body`, `text()` and the
 * like gets a real body stream, made from those bytes on first use.
 */
export class BufferedRequest extends Request {
  /** The body as received; null for a request without one (GET, HEAD). */
  readonly buffered: Uint8Array<ArrayBuffer> | null;
  #streamed: Request | undefined;

  constructor(
    url: string | URL,
    init: { method: string; headers: Headers },
    bytes: Uint8Array<ArrayBuffer> | null,
  ) {
    super(url, init);
    this.buffered = bytes;
  }

  /** This request with a real body stream, made once, for readers other than the core. */
  #full(): Request {
    this.#streamed ??= new Request(this.url, {
      method: this.method,
      headers: this.headers,
      body: this.buffered,
    });
    return this.#streamed;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.buffered === null ? null : this.#full().body;
  }
  override get bodyUsed(): boolean {
    return this.#streamed?.bodyUsed ?? false;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#full().arrayBuffer();
  }
  override blob(): Promise<Blob> {
    return this.#full().blob();
  }
  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#full()
      .arrayBuffer()
      .then((buffer) => new Uint8Array(buffer));
  }
  override formData(): Promise<FormData> {
    return this.#full().formData();
  }
  override json(): Promise<unknown> {
    return this.#full().json();
  }
  override text(): Promise<string> {
    return this.#full().text();
  }
  override clone(): BufferedRequest {
    return new BufferedRequest(
      this.url,
      { method: this.method, headers: new Headers(this.headers) },
      this.buffered,
    );
  }
}
