import type { ServerContext } from './context.ts';
import type { ProtocolResponse } from './http.ts';
import { type NamedStep, runSteps, type Trace } from './trace.ts';

/** What an endpoint's steps share: the request, the server, the trace, and the answer they make. */
export interface EndpointState {
  readonly request: Request;
  readonly context: ServerContext;
  readonly trace: Trace;
  response?: ProtocolResponse;
}

/**
 * An endpoint made of steps: each request gets a fresh state (`S`'s own fields start unset),
 * the steps run in order, and the answer is what they left in `response`.
 */
export function stepsEndpoint<S extends EndpointState>(
  steps: readonly NamedStep<S>[],
): (request: Request, context: ServerContext, trace: Trace) => Promise<ProtocolResponse> {
  return async (request, context, trace) => {
    // Every field of S beyond EndpointState's is optional: the steps fill them in.
    const state = { request, context, trace } as S;
    await runSteps(steps, state, trace);
    if (!state.response) throw new Error("the endpoint's steps produced no response");
    return state.response;
  };
}
