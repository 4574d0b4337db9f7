import type { FlowStep } from '../../../lessons/lesson-types.ts';

export type FlowActor = 'client' | 'as' | 'api';

export const actorNames: Record<FlowActor, readonly string[]> = {
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
};

/**
 * The messages of a flow, in the order they travel. Introspection happens while the API handles
 * a call, so with both `api` and `introspect` its two arrows sit between the API call and the
 * API's answer, whatever order the lesson listed them in.
 */
export function flowSequence(steps: readonly FlowStep[]): FlowArrow[] {
  const specs: { step: FlowStep; spec: ArrowSpec }[] = [];
  const seen = new Set<FlowStep>();
  const nested = steps.includes('api') && steps.includes('introspect');
  for (const step of steps) {
    if (seen.has(step)) continue;
    seen.add(step);
    if (step === 'introspect' && nested) continue;
    const [request, reply] = MESSAGES[step];
    specs.push({ step, spec: request });
    if (step === 'api' && nested) {
      for (const spec of MESSAGES.introspect) specs.push({ step: 'introspect', spec });
    }
    specs.push({ step, spec: reply });
  }
  return specs.map(({ step, spec }, index) => ({ number: index + 1, step, ...spec }));
}

/** The actors the arrows touch, left to right: client, authorization server, API. */
export function flowActors(arrows: readonly FlowArrow[]): FlowActor[] {
  const used = new Set(arrows.flatMap((a) => [a.from, a.to]));
  used.add('client');
  return (['client', 'as', 'api'] as const).filter((actor) => used.has(actor));
}

const SPOKEN: Record<FlowActor, string> = {
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
