import { type ReactNode, useId, useMemo, useState } from 'react';
import { fillVariables, parseHttpRequest, toCurl } from '../../../client/index.ts';
import {
  BROWSER_MOCK_ORIGINS,
  LOCAL_SERVER_ORIGIN,
  toLocalServerUrl,
} from '../../../protocol/data.ts';
import type { BlockProps } from '../../shared/block-props.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { RadioOptions } from '../../shared/radio-options.tsx';
import { CopyButton } from '../request-block/copy-button.tsx';
import './curl-block.css';

const PAGE_HOSTS = new RegExp(
  BROWSER_MOCK_ORIGINS.map((origin) => origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'),
  'g',
);

type Target = 'page' | 'local';
const TARGETS: readonly Target[] = ['page', 'local'];
const TARGET_LABELS: Record<Target, ReactNode> = {
  page: 'This page’s servers',
  local: <code>npm run server</code>,
};

/**
 * Point a command at `npm run server`: the auth and API hosts become its local origin, the
 * workload platform its `/ci` path.
 */
export function toLocalServer(command: string): string {
  return command.replace(PAGE_HOSTS, (origin) => toLocalServerUrl(origin));
}

/**
 * The curl command for a request block, with this lesson's current variables filled in (the
 * secrets are demo values, so they are shown), for the page's hosts or for `npm run server`.
 */
export function CurlBlockView({ block }: BlockProps<'curl'>) {
  const runtime = useOptionalLessonRuntime();
  const [target, setTarget] = useState<Target>('page');
  const ids = useId();
  const source = runtime?.requestText(block.for);
  const vars = runtime?.vars ?? {};

  // Shown: variables filled synchronously; a `{{$client_assertion}}` is signed fresh on Copy.
  const shown = useMemo(() => {
    const parsed = source === undefined ? undefined : parseHttpRequest(source);
    if (!parsed?.ok) return block.command;
    const fill = (t: string) => fillVariables(t, vars).text;
    return toCurl({
      method: parsed.request.method,
      url: fill(parsed.request.url),
      headers: parsed.request.headers.map(([n, v]) => [n, fill(v)]),
      body: fill(parsed.request.body),
    });
  }, [source, vars, block.command]);

  const copyText = async () => {
    const parsed = source === undefined ? undefined : parseHttpRequest(source);
    let command = shown;
    if (parsed?.ok && runtime) command = toCurl((await runtime.fill(parsed.request)).request);
    return target === 'local' ? toLocalServer(command) : command;
  };

  const missing = source === undefined ? [] : fillVariables(source, vars).missing;
  const command = target === 'local' ? toLocalServer(shown) : shown;

  return (
    <figure className="curl-block" aria-labelledby={`${ids}-caption`}>
      <figcaption id={`${ids}-caption`} className="curl-block__caption">
        <span className="curl-block__kind">curl</span>
        <span>
          for{' '}
          <a href={`#request-${block.for}`}>
            {runtime?.requestBlock(block.for)?.title ?? block.for}
          </a>
        </span>
      </figcaption>
      <div className="curl-block__bar">
        <fieldset className="segmented segmented--small">
          <legend className="visually-hidden">Send it to</legend>
          <RadioOptions
            className="segmented__option"
            name={`${ids}-target`}
            options={TARGETS}
            label={(t) => TARGET_LABELS[t]}
            value={target}
            onChange={setTarget}
          />
        </fieldset>
        <CopyButton label="Copy" getText={copyText} />
      </div>
      <pre className="curl-block__command">
        <code>{command}</code>
      </pre>
      <p className="curl-block__note">
        {target === 'page' ? (
          <>
            <code>auth.example.com</code> and <code>api.example.com</code> exist only inside this
            tab, so a terminal cannot reach them. Run <code>npm run server</code> and pick it above:
            the same request goes to <code>{LOCAL_SERVER_ORIGIN}</code>.
          </>
        ) : (
          <>
            Start the same servers on your machine with <code>npm run server</code>. They keep their
            own keys and state: a token from this page does not verify there, so get one from that
            server first.
          </>
        )}
        {missing.length > 0 ? (
          <>
            {' '}
            Still a placeholder: {missing.map((m) => `{{${m}}}`).join(', ')} (send the request that
            saves it).
          </>
        ) : null}
      </p>
    </figure>
  );
}
