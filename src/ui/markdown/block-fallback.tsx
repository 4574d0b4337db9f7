import { describeExpectation } from '../../lessons/expectation.ts';
import type {
  ExerciseBlock,
  ExerciseResponseCheck,
  LabBlock,
  LessonBlock,
  ResponseExpectation,
} from '../../lessons/lesson-types.ts';
import { Fact } from '../shared/fact.tsx';
import { CodeBlock, codeLabel } from './code-block.tsx';

/** What an exercise's response check expects, without where the response comes from. */
function expectationPart(check: ExerciseResponseCheck): Partial<ResponseExpectation> {
  const { request: _request, requestTitle: _title, run: _run, ...want } = check;
  return want;
}

const BLOCK_LABELS: Record<LessonBlock['kind'], string> = {
  request: 'Request',
  jwt: 'JWT inspector',
  negatives: 'Negative cases',
  flow: 'Flow',
  exercise: 'Exercise',
  'code-exercise': 'Code exercise',
  curl: 'curl',
  lab: 'Lab',
};

const LAB_DESCRIPTIONS: Record<LabBlock['lab'], string> = {
  caching: 'Token caching lab: a naive client and a caching client run the same job side by side.',
  forge: 'Token forge: edit a token, re-sign it, and watch which check of the API rejects it.',
  console: 'Server console: the clients, keys, tokens, log and clock the mock servers hold.',
  profiles: 'Behaviour profiles: the same request under different servers’ documented behaviours.',
  rotation:
    'Secret rotation lab: a scheduled job keeps calling the API while you rotate its client secret.',
  assertion:
    'Assertion lab: build and sign a private_key_jwt client assertion, and see the server’s checks in order.',
  failures:
    'Failures lab: a job runs while the token endpoint fails; a naive client and yours side by side.',
};

/**
 * The static form of an interactive block: its title and its code, readable without any
 * JavaScript behaviour. Shown until the interactive component loads, and for any block the UI
 * registry does not (yet) know.
 */
export function BlockFallback({ block }: { block: LessonBlock }) {
  const title = 'title' in block && block.title ? block.title : undefined;
  return (
    <figure className="block-fallback" data-block-kind={block.kind}>
      <figcaption className="block-fallback-caption">
        <span className="block-fallback-kind">{BLOCK_LABELS[block.kind]}</span>
        {title ? <span className="block-fallback-title">{title}</span> : null}
      </figcaption>
      <BlockFallbackBody block={block} />
    </figure>
  );
}

function Code({ value, lang }: { value: string; lang: string }) {
  return (
    <CodeBlock label={codeLabel(lang)}>
      <code className={`language-${lang}`}>{value}</code>
    </CodeBlock>
  );
}

function BlockFallbackBody({ block }: { block: LessonBlock }) {
  switch (block.kind) {
    case 'request':
      return (
        <>
          <Code value={block.request.source} lang="http" />
          <dl className="block-fallback-facts">
            {block.expect ? (
              <>
                <dt>Expect</dt>
                <dd>{describeExpectation(block.expect)}</dd>
              </>
            ) : null}
            {block.save.length > 0 ? (
              <>
                <dt>Saves</dt>
                <dd>
                  {block.save.map((rule) => (
                    <code key={rule.variable}>
                      {rule.variable === rule.path.join('.')
                        ? rule.variable
                        : `${rule.variable} = ${rule.path.join('.')}`}
                    </code>
                  ))}
                </dd>
              </>
            ) : null}
            <Fact term="Client authentication" value={block.authMethod} />
          </dl>
        </>
      );
    case 'jwt':
      return block.token ? (
        <Code value={block.token} lang="text" />
      ) : (
        <p>
          Decodes the token in <code>{`{{${block.from}}}`}</code>
          {block.highlight.length > 0 ? (
            <>
              , looking at <code>{block.highlight.join(', ')}</code>
            </>
          ) : null}
          .
        </p>
      );
    case 'negatives':
      return (
        <ol className="block-fallback-cases">
          {block.cases.map((negative) => (
            <li key={negative.name}>
              <p>
                <strong>{negative.name}</strong> — expect {describeExpectation(negative.expect)}
              </p>
              {negative.why ? <p>{negative.why}</p> : null}
              <Code value={negative.request.source} lang="http" />
            </li>
          ))}
        </ol>
      );
    case 'flow':
      return block.diagram ? (
        <Code value={block.diagram} lang="text" />
      ) : (
        <ol>
          {block.steps.map((step) => (
            <li key={step}>{step === block.highlight ? <strong>{step}</strong> : step}</li>
          ))}
        </ol>
      );
    case 'exercise':
      return <ExerciseFallback block={block} />;
    case 'code-exercise':
      return (
        <>
          <p>{block.goal}</p>
          <Code value={block.starter} lang={block.lang} />
          <p className="block-fallback-check">Checked by these tests:</p>
          <Code value={block.tests} lang={block.lang} />
        </>
      );
    case 'curl':
      return <Code value={block.command} lang="bash" />;
    case 'lab':
      return <p>{LAB_DESCRIPTIONS[block.lab]}</p>;
  }
}

function ExerciseFallback({ block }: { block: ExerciseBlock }) {
  const { response, token, lab } = block.check;
  return (
    <>
      <p>{block.goal}</p>
      {block.hint ? (
        <details>
          <summary>Hint</summary>
          <p>{block.hint}</p>
        </details>
      ) : null}
      <p className="block-fallback-check">Checked automatically:</p>
      <ul>
        {response ? (
          <li>
            {response.run
              ? 'sending this request gets '
              : response.request
                ? `the latest response of “${response.requestTitle ?? response.request}” is `
                : 'your latest response in this lesson is '}
            <code>{describeExpectation(expectationPart(response))}</code>
            {response.run ? <Code value={response.run.source} lang="http" /> : null}
          </li>
        ) : null}
        {token ? (
          <li>
            the token in <code>{`{{${token.variable}}}`}</code>
            {token.scope_includes.length > 0 ? (
              <>
                {' '}
                has scope <code>{token.scope_includes.join(' ')}</code>
              </>
            ) : null}
            {Object.keys(token.claims).length > 0 ? (
              <>
                {' '}
                with claims <code>{JSON.stringify(token.claims)}</code>
              </>
            ) : null}
          </li>
        ) : null}
        {lab ? (
          <li>
            the lab “{lab.id}” reports <code>{lab.outcome}</code>
          </li>
        ) : null}
      </ul>
    </>
  );
}
