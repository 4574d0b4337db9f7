import type { JWK } from 'jose';
import {
  type Admin,
  type LogEntry,
  type MockServer,
  OAuthError,
  type OAuthErrorCode,
  type SerializedResponse,
  type ServerSnapshot,
  type StateStore,
} from '../protocol';
import type { LocalStorageStore, StorageProblem } from './local-storage-store';

/**
 * The seeded signing-client's key pair (public and private JWK), which the page's client keeps
 * (src/client/signing-client-key.ts) and the app hands over: the owner tab registers its public
 * half, and followers adopt the owner's pair so their assertions match.
 */
export interface SigningKeyPair {
  publicJwk: JWK;
  privateJwk: JWK;
}
/**
 * One mock server state for every tab of the origin (docs/decisions/one-server-for-all-tabs.md).
 *
 * Each tab's servers run in that tab (msw's worker hands a request to the page that made it), so
 * two tabs used to run two servers, each saving over the other. Now one tab, the **owner**, holds
 * a Web Lock and runs the server that counts; it alone saves to localStorage. The other tabs are
 * **followers**: they forward every request and every change (`admin.putClient`, ...) to the
 * owner over a BroadcastChannel and get the answer back, and they keep a replica of the state,
 * installed from the owner's broadcast after each change, for what the page reads synchronously
 * (`admin.log()`, `admin.clock()`, ...). When the owner closes, the next tab in the lock's queue
 * takes over with its replica. Without Web Locks or BroadcastChannel a tab runs alone.
 */

/** Bump when the messages change: tabs of different builds then never talk to each other. */
const PROTOCOL = 3;
/** How long a follower waits for the owner's first answer before it takes over. */
const OWNER_ANSWER_TIMEOUT_MS = 10_000;
/** How long a promoted tab lets the old owner's last messages arrive before it takes over. */
const HANDOVER_SETTLE_MS = 50;
/** How long a forwarded answer waits for the state broadcast it depends on. */
const STATE_WAIT_MS = 1000;

export type TabRole = 'owner' | 'follower' | 'alone';

/** The admin functions that only read, answered from the replica (the rest are forwarded). */
type SyncAdminMethod = {
  [K in keyof Admin]: ReturnType<Admin[K]> extends Promise<unknown> ? never : K;
}[keyof Admin];
/** Listed exactly (the type fails to compile if a read is added to Admin and not here). */
const SYNC_ADMIN: Record<SyncAdminMethod, true> = {
  clock: true,
  listClients: true,
  getClient: true,
  log: true,
  jwks: true,
  settings: true,
  issuedTokens: true,
  keys: true,
  revokedTokens: true,
  ciKeys: true,
  faults: true,
};

interface SerializedRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

type CallBody =
  | { op: 'respond'; request: SerializedRequest }
  | { op: 'admin'; method: string; args: unknown[] };

interface SerializedError {
  message: string;
  code?: OAuthErrorCode;
  description?: string;
  status?: number;
  detail?: string;
}

/** What the owner tells the others about its state besides the snapshot. */
interface StateExtras {
  rev: number;
  snapshot: ServerSnapshot;
  signingKey: SigningKeyPair | undefined;
  storage: StorageProblem | undefined;
}

type MessageBody =
  | { kind: 'hello' }
  | { kind: 'bye' }
  | ({ kind: 'welcome'; to: string } & StateExtras)
  | ({ kind: 'state' } & StateExtras)
  | { kind: 'owner'; rev: number }
  | ({ kind: 'call'; id: string } & CallBody)
  | {
      kind: 'result';
      to: string;
      id: string;
      rev: number;
      value?: unknown;
      error?: SerializedError;
    };

type Message = { v: number; from: string } & MessageBody;

export interface TabSyncOptions {
  /** Names the lock and the channel; tabs with the same name share one server. */
  name: string;
  /** This tab's persistence: the owner's saves go here, a follower's never do. */
  store: LocalStorageStore;
  /**
   * Make this tab's server with `store` (which loads the stored state, or the snapshot another
   * tab sent). Called once per tab.
   */
  createServer(store: StateStore): Promise<MockServer>;
  /** The signing-client key pair this tab would use on its own (owner). */
  ownSigningKey(): Promise<SigningKeyPair>;
  /** Another tab's key pair: use it from now on. */
  adoptSigningKey(key: SigningKeyPair): void;
  /** Called before any reset: make sure the signing-client key works and say which it is. */
  beforeReset(): Promise<SigningKeyPair>;
}

export interface SharedMockServer {
  /** The server this tab uses: its own (owner, alone) or the owner's through it (follower). */
  readonly server: MockServer;
  role(): TabRole;
  /** Any change of the shared state, from this tab or another. Returns an unsubscribe. */
  onStateChange(listener: () => void): () => void;
  /** Why the state is not being saved (reported by whichever tab saves). */
  storageProblem(): StorageProblem | undefined;
  onStorageProblemChange(listener: (problem: StorageProblem | undefined) => void): () => void;
}

/** Start this tab's share of the one server: resolves once the tab can serve requests. */
export async function shareMockServer(options: TabSyncOptions): Promise<SharedMockServer> {
  const sync = new TabSync(options);
  await sync.join();
  return sync;
}

interface PendingCall {
  body: CallBody;
  sentAt: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

class TabSync implements SharedMockServer {
  readonly server: MockServer;
  private readonly tabId = crypto.randomUUID();
  /** Absent without Web Locks or BroadcastChannel: the tab then runs its server alone. */
  private readonly channel: BroadcastChannel | undefined;
  private readonly lockName: string;
  private current: TabRole = 'follower';
  private core: MockServer | undefined;
  private coreReady: Promise<MockServer> | undefined;
  /** This tab's server once it owns (signing key chosen, server made). */
  private ownerReady: Promise<MockServer> | undefined;
  /** The owner's change counter, as of the state in this tab's server. */
  private rev = 0;
  private installing: Promise<void> = Promise.resolve();
  /** The newest state received from the owner (installed, or about to be). */
  private latest: StateExtras | undefined;
  /** The state this tab's server holds, as received. */
  private installed: StateExtras | undefined;
  /** Take the next state the owner sends, whatever its number (a new owner counts anew). */
  private acceptAny = true;
  private readonly revWaiters = new Set<{ rev: number; done: () => void }>();
  /** Tabs that said hello (the owner broadcasts its state only when there are some). */
  private readonly followers = new Set<string>();
  private readonly pending = new Map<string, PendingCall>();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private welcomed: (() => void) | undefined;
  /** Withdraws this tab's place in the queue for the owner lock. */
  private queue: AbortController | undefined;
  private releaseLock: (() => void) | undefined;
  private signingKey: SigningKeyPair | undefined;
  private remoteStorageProblem: StorageProblem | undefined;
  private readonly changeListeners = new Set<() => void>();
  private readonly entryListeners = new Set<(entry: LogEntry) => void>();
  private readonly storageListeners = new Set<(problem: StorageProblem | undefined) => void>();
  /** The owner's snapshot a follower builds its server from (its first welcome). */
  private initial: StateExtras | undefined;

  constructor(private readonly options: TabSyncOptions) {
    this.lockName = `${options.name}:owner:v${PROTOCOL}`;
    const shared = typeof BroadcastChannel === 'function' && navigator.locks !== undefined;
    if (shared) {
      this.channel = new BroadcastChannel(`${options.name}:v${PROTOCOL}`);
      this.channel.onmessage = (event: MessageEvent<Message>) => this.receive(event.data);
    }
    this.server = this.facade();
    options.store.onProblemChange((problem) => {
      if (this.current !== 'follower') this.emitStorage(problem);
    });
    addEventListener('pagehide', () => this.pageHidden());
    // A hidden tab may be closed or discarded without another event: save while it can.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.persist();
    });
    addEventListener('pageshow', (event) => {
      // Back from the back/forward cache: the lock and the queue place were given up on pagehide.
      if (event.persisted) void this.join();
    });
  }

  role(): TabRole {
    return this.current;
  }

  onStateChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  storageProblem(): StorageProblem | undefined {
    return this.current === 'follower' ? this.remoteStorageProblem : this.options.store.problem();
  }

  onStorageProblemChange(listener: (problem: StorageProblem | undefined) => void): () => void {
    this.storageListeners.add(listener);
    return () => this.storageListeners.delete(listener);
  }

  /** Become the owner if nobody is, else a follower with the owner's state. */
  async join(): Promise<void> {
    if (!this.channel) {
      await this.becomeOwner('alone');
      return;
    }
    if (await this.acquire({ ifAvailable: true })) {
      await this.becomeOwner('owner');
      return;
    }
    this.current = 'follower';
    // Wait in the lock's queue: granted when the owner goes, and this tab takes over.
    this.queue = new AbortController();
    void this.acquire({ signal: this.queue.signal }).then((granted) => {
      if (granted) void this.becomeOwner('promoted');
    });
    const welcomed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), OWNER_ANSWER_TIMEOUT_MS);
      this.welcomed = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.post({ kind: 'hello' });
    if (!(await welcomed) && this.current === 'follower') await this.takeOver();
    this.welcomed = undefined;
    await this.ensureCore();
  }

  /**
   * Ask for the owner lock; resolves whether it was granted (false: not available, or the place
   * in the queue was withdrawn). Once granted it is held until the page hides; taken by another
   * tab (`steal`), this tab becomes a follower.
   */
  private acquire(options: LockOptions): Promise<boolean> {
    return new Promise((resolve) => {
      let held = false;
      navigator.locks
        .request(this.lockName, options, (lock) => {
          resolve(lock !== null);
          if (lock === null) return undefined;
          held = true;
          return new Promise<void>((release) => {
            this.releaseLock = release;
          });
        })
        .then(
          () => resolve(false),
          () => {
            resolve(false);
            if (held && this.current === 'owner') void this.demote();
          },
        );
    });
  }

  /** An owner that does not answer (a frozen tab): take the lock from it. */
  private async takeOver(): Promise<void> {
    this.queue?.abort();
    if (await this.acquire({ steal: true })) await this.becomeOwner('promoted');
  }

  /** This tab's lock was taken (see takeOver): follow the tab that took it. */
  private async demote(): Promise<void> {
    this.current = 'follower';
    this.forgetOwner();
    await this.join();
  }

  private forgetOwner(): void {
    this.acceptAny = true;
    this.rev = -1;
  }

  private becomeOwner(how: 'owner' | 'alone' | 'promoted'): Promise<void> {
    // Answer hellos from now on (a tab opened at the same moment), once the server is ready;
    // a promoted tab still takes the old owner's last state first, and announces itself after.
    if (how !== 'promoted') this.current = how === 'alone' ? 'alone' : 'owner';
    const ready = this.takeOwnership(how);
    this.ownerReady = ready;
    return ready.then(() => undefined);
  }

  private async takeOwnership(how: 'owner' | 'alone' | 'promoted'): Promise<MockServer> {
    if (how === 'promoted') {
      // The old owner posted its last state before the lock was released: let it arrive.
      await new Promise((resolve) => setTimeout(resolve, HANDOVER_SETTLE_MS));
      await this.installing;
    }
    if (!this.signingKey) {
      this.signingKey = await this.options.ownSigningKey();
      this.options.adoptSigningKey(this.signingKey);
    }
    const existing = this.core;
    this.current = how === 'alone' ? 'alone' : 'owner';
    const core = await this.ensureCore();
    if (how === 'owner' && existing) {
      // Back from the back/forward cache with nobody owning: the last owner saved on its way out.
      const stored = await this.options.store.load();
      if (stored) await core.replaceState(stored);
    }
    this.welcomed?.();
    if (how === 'promoted') {
      // Save the replica now: the old owner's last write may not have happened (a crash).
      await core.flush();
      this.post({ kind: 'owner', rev: this.rev });
      for (const [id, call] of this.pending) {
        this.pending.delete(id);
        this.answer(call.body).then(call.resolve, call.reject);
      }
    }
    this.emitStorage(this.options.store.problem());
    return core;
  }

  private ensureCore(): Promise<MockServer> {
    this.coreReady ??= (async () => {
      const core = await this.options.createServer(this.tabStore());
      core.subscribe((entry) => {
        if (this.current !== 'follower') this.emitEntry(entry);
      });
      this.core = core;
      this.resolveRevWaiters();
      const latest = this.latest;
      if (latest && latest !== this.installed) await this.install(latest);
      return core;
    })();
    return this.coreReady;
  }

  /** The server's store: loads the state this tab starts from; saves only while owner. */
  private tabStore(): StateStore {
    return {
      load: async () => {
        const initial = this.initial;
        this.initial = undefined;
        if (initial) {
          this.installed = initial;
          this.rev = initial.rev;
          return initial.snapshot;
        }
        return this.options.store.load();
      },
      save: async (snapshot) => {
        if (this.current === 'follower') return;
        this.rev++;
        await this.options.store.save(snapshot);
        if (this.followers.size > 0) this.post({ kind: 'state', ...this.extras(snapshot) });
        this.emitChange();
      },
    };
  }

  private extras(snapshot: ServerSnapshot): StateExtras {
    return {
      rev: this.rev,
      snapshot,
      signingKey: this.signingKey,
      storage: this.options.store.problem(),
    };
  }

  private receive(message: Message): void {
    if (message?.v !== PROTOCOL || message.from === this.tabId) return;
    switch (message.kind) {
      case 'hello':
        if (this.current !== 'owner') return;
        this.followers.add(message.from);
        void (this.ownerReady ?? this.ensureCore()).then((core) =>
          this.post({ kind: 'welcome', to: message.from, ...this.extras(core.snapshot()) }),
        );
        return;
      case 'bye':
        this.followers.delete(message.from);
        return;
      case 'welcome':
        if (message.to !== this.tabId || this.current !== 'follower') return;
        this.accept(message);
        this.welcomed?.();
        return;
      case 'state':
        if (this.current === 'follower') this.accept(message);
        return;
      case 'owner':
        if (this.current !== 'follower') return;
        // A new owner counts from its own state: take the next one it sends, whatever its number;
        // tell it this tab is here, and send again what it was still waiting for.
        this.forgetOwner();
        this.post({ kind: 'hello' });
        for (const [id, call] of this.pending) this.post({ kind: 'call', id, ...call.body });
        return;
      case 'call':
        if (this.current !== 'owner') return;
        this.followers.add(message.from);
        void this.answerCall(message);
        return;
      case 'result':
        if (message.to === this.tabId) void this.settle(message);
        return;
    }
  }

  /** A newer state from the owner: install it in the replica (in order, only the latest). */
  private accept(state: StateExtras): void {
    if (!this.acceptAny && state.rev <= (this.latest?.rev ?? -1)) return;
    this.acceptAny = false;
    this.latest = state;
    if (state.signingKey) {
      this.signingKey = state.signingKey;
      this.options.adoptSigningKey(state.signingKey);
    }
    if (!sameProblem(this.remoteStorageProblem, state.storage)) {
      this.remoteStorageProblem = state.storage;
      this.emitStorage(state.storage);
    }
    if (!this.core) {
      // No server yet in this tab: it is built from this state (ensureCore).
      this.initial = state;
      return;
    }
    this.installing = this.installing.then(() => {
      const latest = this.latest;
      return latest && latest !== this.installed ? this.install(latest) : undefined;
    });
  }

  private async install(state: StateExtras): Promise<void> {
    const core = this.core;
    if (!core) return;
    const before = new Set(core.admin.log().map((entry) => entry.id));
    if (state.signingKey) core.options.signingClientJwks = { keys: [state.signingKey.publicJwk] };
    if (!(await core.replaceState(state.snapshot))) {
      console.warn('[playground] the state another tab sent did not validate; kept this one');
      return;
    }
    this.installed = state;
    this.rev = state.rev;
    this.resolveRevWaiters();
    for (const entry of core.admin.log()) if (!before.has(entry.id)) this.emitEntry(entry);
    this.emitChange();
  }

  private resolveRevWaiters(): void {
    if (!this.core) return;
    for (const waiter of this.revWaiters) {
      if (this.rev >= waiter.rev) {
        this.revWaiters.delete(waiter);
        waiter.done();
      }
    }
  }

  /** Until the replica has installed `rev` (the state an answer was given in), or a while. */
  private replicaAt(rev: number): Promise<void> {
    if (this.core && this.rev >= rev) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        rev,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.revWaiters.delete(waiter);
        this.post({ kind: 'hello' }); // a state went missing: ask for the whole of it again
        resolve();
      }, STATE_WAIT_MS);
      this.revWaiters.add(waiter);
    });
  }

  /** Owner: answer a follower's call, after its change has been broadcast. */
  private async answerCall(message: { from: string; id: string } & CallBody): Promise<void> {
    const core = await this.ensureCore();
    let reply: { value?: unknown; error?: SerializedError };
    try {
      reply = { value: await this.answer(message) };
    } catch (error) {
      reply = { error: serializeError(error) };
    }
    await core.flush();
    this.post({ kind: 'result', to: message.from, id: message.id, rev: this.rev, ...reply });
  }

  /** Run a call on this tab's own server (owner or alone). */
  private async answer(body: CallBody): Promise<unknown> {
    const core = await this.ensureCore();
    if (body.op === 'respond') {
      const request = deserializeRequest(body.request);
      if (isReset(request, core)) await this.prepareReset(core);
      return core.respond(request);
    }
    if (body.method === 'reset') await this.prepareReset(core);
    const method = core.admin[body.method as keyof Admin] as (...args: unknown[]) => unknown;
    if (typeof method !== 'function') throw new Error(`No admin function ${body.method}`);
    return method.apply(core.admin, body.args);
  }

  private async prepareReset(core: MockServer): Promise<void> {
    const key = await this.options.beforeReset();
    this.signingKey = key;
    core.options.signingClientJwks = { keys: [key.publicJwk] };
  }

  /** Follower: send a call to the owner and wait for its answer (owner: answer it here). */
  private call(body: CallBody): Promise<unknown> {
    if (this.current !== 'follower') return this.answer(body);
    const id = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { body, sentAt: performance.now(), resolve, reject });
      this.post({ kind: 'call', id, ...body });
      this.watch();
    });
  }

  private async settle(message: {
    id: string;
    rev: number;
    value?: unknown;
    error?: SerializedError;
  }): Promise<void> {
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    // What called may read the state the answer was given in (a request's log entry, by id).
    await this.replicaAt(message.rev);
    await this.installing;
    if (message.error) call.reject(deserializeError(message.error));
    else call.resolve(message.value);
  }

  /** A follower whose calls go unanswered (the owner's tab frozen) takes over. */
  private watch(): void {
    this.watchdog ??= setInterval(() => {
      if (this.pending.size === 0 || this.current !== 'follower') {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        return;
      }
      const oldest = Math.min(...[...this.pending.values()].map((call) => call.sentAt));
      if (performance.now() - oldest > OWNER_ANSWER_TIMEOUT_MS) void this.takeOver();
    }, 1000);
  }

  /** Owner: write the state to storage now (saves are otherwise deferred to an idle moment). */
  private async persist(): Promise<void> {
    if (this.current === 'follower' || !this.core) return;
    this.options.store.flush();
    await this.core.flush();
    this.options.store.flush();
  }

  private pageHidden(): void {
    // In the back/forward cache this page must neither own nor wait to own the server.
    this.queue?.abort();
    if (this.current === 'follower') {
      this.post({ kind: 'bye' });
      return;
    }
    // Saved, and sent to the others, before the lock goes: the next owner starts from this.
    // (Promise reactions still run while the page unloads; no task is needed.)
    void this.persist().then(() => {
      if (this.current === 'owner') this.current = 'follower';
      this.releaseLock?.();
    });
  }

  private post(message: MessageBody): void {
    try {
      this.channel?.postMessage({ v: PROTOCOL, from: this.tabId, ...message });
    } catch (error) {
      console.warn('[playground] could not reach the other tabs', error);
    }
  }

  private emitChange(): void {
    for (const listener of this.changeListeners) listener();
  }

  private emitEntry(entry: LogEntry): void {
    for (const listener of this.entryListeners) listener(entry);
  }

  private emitStorage(problem: StorageProblem | undefined): void {
    for (const listener of this.storageListeners) listener(problem);
  }

  /** The MockServer this tab's code uses, whatever its role. */
  private facade(): MockServer {
    const core = () => {
      if (!this.core) throw new Error('The mock servers are not ready yet.');
      return this.core;
    };
    const admin: Record<string, (...args: unknown[]) => unknown> = {};
    const call = (body: CallBody) => this.call(body);
    return {
      get options() {
        return core().options;
      },
      handle: async (request) => {
        if (this.current === 'follower') {
          const answer = (await this.call({
            op: 'respond',
            request: await serializeRequest(request),
          })) as SerializedResponse | undefined;
          // A dropped connection (an injected fault) fails the fetch here as in the owner tab.
          if (answer?.drop) return Response.error();
          return answer && new Response(answer.body, answer);
        }
        const own = core();
        if (isReset(request, own)) await this.prepareReset(own);
        return own.handle(request);
      },
      respond: async (request) =>
        (await this.call({
          op: 'respond',
          request: await serializeRequest(request),
        })) as SerializedResponse | undefined,
      get admin() {
        const real = core().admin as unknown as Record<string, (...args: unknown[]) => unknown>;
        for (const name of Object.keys(real)) {
          admin[name] ??=
            name in SYNC_ADMIN
              ? (...args) => real[name]?.(...args)
              : (...args) => call({ op: 'admin', method: name, args });
        }
        return admin as unknown as Admin;
      },
      subscribe: (listener) => {
        this.entryListeners.add(listener);
        return () => {
          this.entryListeners.delete(listener);
        };
      },
      flush: async () => {
        if (this.current !== 'follower') await core().flush();
      },
      snapshot: () => core().snapshot(),
      replaceState: async () => false,
    };
  }
}

function sameProblem(a: StorageProblem | undefined, b: StorageProblem | undefined): boolean {
  return a?.kind === b?.kind && a?.cause === b?.cause;
}

function isReset(request: Request, server: MockServer): boolean {
  return request.method === 'POST' && request.url === `${server.options.issuer}/__admin/reset`;
}

async function serializeRequest(request: Request): Promise<SerializedRequest> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return {
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    // Not `request.body`: Firefox's Request has no body stream.
    body: hasBody ? await request.clone().arrayBuffer() : null,
  };
}

function deserializeRequest(request: SerializedRequest): Request {
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof OAuthError) {
    return {
      message: error.message,
      code: error.code,
      description: error.description,
      status: error.status,
      ...(error.detail !== undefined && { detail: error.detail }),
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

function deserializeError(error: SerializedError): Error {
  if (error.code !== undefined && error.description !== undefined) {
    return new OAuthError(error.code, error.description, {
      ...(error.status !== undefined && { status: error.status }),
      ...(error.detail !== undefined && { detail: error.detail }),
    });
  }
  return new Error(error.message);
}
