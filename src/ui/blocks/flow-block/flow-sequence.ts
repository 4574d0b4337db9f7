import type { FlowStep } from '../../../lessons/lesson-types.ts';

export type FlowActor = 'platform' | 'client' | 'as' | 'api';

export const actorNames: Record<FlowActor, readonly string[]> = {
  platform: ['Workload', 'platform'],
  client: ['Client'],
  as: ['Authorization', 'server'],
  api: ['Resource API'],
};

/** One numbered arrow of the diagram. */
export interface FlowArrow {
  /** 1-based, in the order the messages travel. */
  number: number;
  step: FlowStep;
  from: FlowActor;
  to: FlowActor;
  /** First line: the method and path, or the answer's shape. */
  label: string;
  /** Second line: what travels with it. */
  detail?: string;
  /** An answer (drawn dashed, pointing back). */
  reply: boolean;
}

type ArrowSpec = Omit<FlowArrow, 'number' | 'step'>;

const MESSAGES: Record<FlowStep, [ArrowSpec, ArrowSpec]> = {
  token: [
    {
      from: 'client',
      to: 'as',
      label: 'POST /oauth/token',
      detail: 'client credentials, scope',
      reply: false,
    },
    { from: 'as', to: 'client', label: '{ access_token, expires_in }', reply: true },
  ],
  api: [
    {
      from: 'client',
      to: 'api',
      label: 'GET /api/v1/…',
      detail: 'Authorization: Bearer <token>',
      reply: false,
    },
    { from: 'api', to: 'client', label: '200 { data }', reply: true },
  ],
  introspect: [
    { from: 'api', to: 'as', label: 'POST /oauth/introspect', detail: 'token=…', reply: false },
    { from: 'as', to: 'api', label: '{ active: true, scope }', reply: true },
  ],
  revoke: [
    { from: 'client', to: 'as', label: 'POST /oauth/revoke', detail: 'token=…', reply: false },
    { from: 'as', to: 'client', label: '200 (empty body)', reply: true },
  ],
  workload: [
    {
      from: 'client',
      to: 'platform',
      label: 'POST /workload-token',
      detail: 'the job it runs',
      reply: false,
    },
    {
      from: 'platform',
      to: 'client',
      label: '{ token }',
      detail: 'signed by the platform',
      reply: true,
    },
  ],
};

/** With a workload token, the token request carries it, and the server checks it with these. */
const FEDERATED_TOKEN_REQUEST: ArrowSpec = {
  from: 'client',
  to: 'as',
  label: 'POST /oauth/token',
  detail: 'client_id, client_assertion=token',
  reply: false,
};
const PLATFORM_KEYS: [ArrowSpec, ArrowSpec] = [
  {
    from: 'as',
    to: 'platform',
    label: 'GET /.well-known/jwks.json',
    detail: 'the platform’s public keys',
    reply: false,
  },
  {
    from: 'platform',
    to: 'as',
    label: '{ keys }',
    detail: 'checks iss, sub, aud, exp',
    reply: true,
  },
];

/**
 * The messages of a flow, in the order they travel. Introspection happens while the API handles
 * a call, so with both `api` and `introspect` its two arrows sit between the API call and the
 * API's answer, whatever order the lesson listed them in.
 */
export function flowSequence(steps: readonly FlowStep[]): FlowArrow[] {
  const specs: { step: FlowStep; spec: ArrowSpec }[] = [];
  const seen = new Set<FlowStep>();
  const nested = steps.includes('api') && steps.includes('introspect');
  // Workload identity: the token request presents the platform's token, and the server reads the
  // platform's keys to check it before it answers.
  const federated = steps.includes('workload') && steps.includes('token');
  for (const step of steps) {
    if (seen.has(step)) continue;
    seen.add(step);
    if (step === 'introspect' && nested) continue;
    const [request, reply] = MESSAGES[step];
    specs.push({ step, spec: step === 'token' && federated ? FEDERATED_TOKEN_REQUEST : request });
    if (step === 'api' && nested) {
      for (const spec of MESSAGES.introspect) specs.push({ step: 'introspect', spec });
    }
    if (step === 'token' && federated) {
      for (const spec of PLATFORM_KEYS) specs.push({ step: 'token', spec });
    }
    specs.push({ step, spec: reply });
  }
  return specs.map(({ step, spec }, index) => ({ number: index + 1, step, ...spec }));
}

/** The actors the arrows touch, left to right: platform, client, authorization server, API. */
export function flowActors(arrows: readonly FlowArrow[]): FlowActor[] {
  const used = new Set(arrows.flatMap((a) => [a.from, a.to]));
  used.add('client');
  return (['platform', 'client', 'as', 'api'] as const).filter((actor) => used.has(actor));
}

const SPOKEN: Record<FlowActor, string> = {
  platform: 'the workload platform',
  client: 'the client',
  as: 'the authorization server',
  api: 'the resource API',
};

/** A sentence per arrow, for screen readers and the ordered-list description. */
export function describeArrow(arrow: FlowArrow): string {
  const who = (actor: FlowActor) => SPOKEN[actor];
  const sentence = `${who(arrow.from)} ${arrow.reply ? 'answers' : 'sends'} ${arrow.label}${
    arrow.detail ? ` (${arrow.detail})` : ''
  } to ${who(arrow.to)}`;
  return `${arrow.number}. ${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
