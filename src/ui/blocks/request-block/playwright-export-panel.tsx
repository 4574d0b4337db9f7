import { useEffect, useRef } from 'react';
import type { PlaywrightTestExport } from '../../../client/export-request.ts';
import { downloadText } from '../../shared/download-text.ts';
import { CopyButton } from './copy-button.tsx';

/**
 * The "Export as Playwright test" result under a request panel: the spec, to copy or download as
 * `<block-id>.spec.ts`, or why this request cannot be exported.
 */
export function PlaywrightExportPanel({
  id,
  result,
}: {
  id: string;
  result: PlaywrightTestExport;
}) {
  const regionRef = useRef<HTMLElement>(null);
  useEffect(() => {
    regionRef.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  if (!result.ok) {
    return (
      <section
        id={id}
        ref={regionRef}
        className="callout callout--warning playwright-export"
        aria-label="Playwright test"
      >
        <p className="callout__title">Cannot export this request</p>
        <p>{result.reason}</p>
      </section>
    );
  }
  const steps = result.setupSteps;
  return (
    <section
      id={id}
      ref={regionRef}
      className="playwright-export"
      aria-label={`Playwright test ${result.fileName}`}
    >
      <p className="playwright-export__intro">
        A Playwright spec that opens the playground, resets the mock servers
        {steps > 0 ? `, replays the ${steps} earlier requests of this lesson` : ''} and sends this
        request through the service worker, checking what the lesson expects. Save it as{' '}
        {result.path} in a checkout of the playground (after npm install), and run it from the
        checkout&apos;s folder, against this playground:
      </p>
      <p>
        <code className="playwright-export__command">{result.command}</code>
      </p>
      <p className="playwright-export__intro">
        Without PLAYGROUND_URL, the checkout&apos;s config builds and serves the playground first.
      </p>
      <label className="visually-hidden" htmlFor={`${id}-code`}>
        {result.fileName}
      </label>
      <textarea
        id={`${id}-code`}
        className="playwright-export__code"
        value={result.code}
        readOnly
        rows={14}
        spellCheck={false}
        wrap="off"
      />
      <div className="playwright-export__actions">
        <CopyButton label="Copy test" getText={() => result.code} />
        <button
          type="button"
          className="btn btn--small"
          onClick={() => downloadText(result.fileName, result.code)}
        >
          Download {result.fileName}
        </button>
      </div>
    </section>
  );
}
