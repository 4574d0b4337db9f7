import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

/**
 * The server state a lesson starts from (`server:` in the front-matter), set up when the learner
 * enters it fresh or starts it over: the clock back on real time (or frozen there), the default
 * settings with these overrides, the seeded clients as seeded, the rate-limit windows empty, no
 * injected faults.
 */
export const serverSetupSchema = z.strictObject({
  clock: z.enum(['real', 'frozen']).default('real'),
  settings: z
    .strictObject({
      scopePolicy: z.enum(['strict', 'downscope']).optional(),
      leewaySeconds: z.int().min(0).max(300).optional(),
      tokenReuse: z.enum(['never', 'same-second']).optional(),
      assertionAudience: z.enum(['legacy', 'strict']).optional(),
      dpopNonce: z.enum(['off', 'on']).optional(),
    })
    .optional(),
});

/** The front-matter every lesson starts with, between `---` lines. */
export const frontMatterSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  order: z.number(),
  duration: z.string().regex(/^[1-9]\d* min$/, 'expected whole minutes such as "6 min"'),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a kebab-case slug such as "what-and-why"')
    .optional(),
  server: serverSetupSchema.optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

const EXAMPLE = 'title, summary, order (a number) and duration (e.g. "6 min")';

export interface FrontMatterResult {
  data?: FrontMatter;
  /** What could be read even when validation failed, for the error card. */
  partial: { title?: string; order?: number };
  /** 1-based line where the markdown starts. */
  bodyStartLine: number;
}

type Report = (line: number, column: number, message: string) => void;

/** Read and validate the front-matter at the top of `lines`. */
export function parseFrontMatter(lines: string[], report: Report): FrontMatterResult {
  if ((lines[0] ?? '').trimEnd() !== '---') {
    report(
      1,
      1,
      `Missing front-matter: start the file with a "---" line, then ${EXAMPLE}, then "---".`,
    );
    return { partial: {}, bodyStartLine: 1 };
  }
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (end === -1) {
    report(1, 1, 'The front-matter is not closed: add a "---" line after it.');
    return { partial: {}, bodyStartLine: lines.length + 1 };
  }
  const yamlText = lines.slice(1, end).join('\n');
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // YAML line 1 is file line 2.
  const place = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + 1, column: col };
  };
  const bodyStartLine = end + 2;
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, column } = place(error.pos[0]);
      report(line, column, `Invalid YAML in the front-matter: ${error.message.split('\n')[0]}`);
    }
    return { partial: {}, bodyStartLine };
  }
  const raw = doc.toJS() as unknown;
  const partial: FrontMatterResult['partial'] = {};
  if (raw && typeof raw === 'object') {
    const { title, order } = raw as Record<string, unknown>;
    if (typeof title === 'string') partial.title = title;
    if (typeof order === 'number') partial.order = order;
  }
  const result = frontMatterSchema.safeParse(raw ?? {}, { reportInput: true });
  if (result.success) return { data: result.data, partial, bodyStartLine };

  const keyPlace = (key: string) => {
    if (isMap(doc.contents)) {
      const pair = doc.contents.items.find((item) => isScalar(item.key) && item.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return place(pair.key.range[0]);
    }
    return { line: 1, column: 1 };
  };
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys') {
      for (const unknown of issue.keys) {
        const { line, column } = keyPlace(unknown);
        report(
          line,
          column,
          `Unknown front-matter key "${unknown}". Keys: title, summary, order, duration, slug, server.`,
        );
      }
      continue;
    }
    if (key === '') {
      report(1, 1, `The front-matter must be a YAML mapping with ${EXAMPLE}.`);
      continue;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      report(1, 1, `The front-matter needs "${key}".`);
      continue;
    }
    const { line, column } = keyPlace(key);
    if (issue.path.length > 1) {
      // Inside `server:` — name the nested key.
      report(line, column, `Front-matter "${issue.path.join('.')}": ${issue.message}.`);
      continue;
    }
    const expected =
      issue.code === 'invalid_type'
        ? `expected ${issue.expected === 'string' ? 'text' : `a ${issue.expected}`}, got ${JSON.stringify(issue.input)}`
        : issue.message;
    report(line, column, `Front-matter "${key}": ${expected}.`);
  }
  return { partial, bodyStartLine };
}
