/**
 * The lesson compiler: markdown source -> {@link CompiledLesson}, or diagnostics with file, line
 * and column.
 *
 * Runs at build time in the Vite plugin, and later in Node (`npm run lessons:check`) and lazily in
 * the browser (the lesson editor): so no `node:*` imports here, and no file system.
 */
import type { Nodes, PhrasingContent, Root, RootContent } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { toCurl } from '../client/export-request.ts';
import {
  BLOCK_NAMES,
  BLOCKS,
  type BlockContext,
  type BodyPoint,
  CODE_LANGUAGES,
} from './blocks.ts';
import { closest } from './closest.ts';
import { parseFrontMatter } from './front-matter.ts';
import { LABS, type LabSpec } from './labs/index.ts';
import type {
  BrokenLesson,
  CalloutKind,
  CompiledLesson,
  InlineNode,
  LessonBlock,
  LessonBlockKind,
  LessonDiagnostic,
  LessonEntry,
  LessonSection,
  MarkdownNode,
} from './lesson-types.ts';
import { parseHttpRequest } from './parse-http-request.ts';
import { parseInfoString } from './parse-info-string.ts';
import { IMAGE_SCHEMES, isSafeUrl, LINK_SCHEMES } from './safe-url.ts';
import { createSlugger } from './slugger.ts';

export interface CompileOptions {
  /** Origins lesson requests may reach (default: the browser's mock servers). */
  allowedOrigins?: readonly string[];
}

export type CompileResult =
  | { ok: true; lesson: CompiledLesson }
  | { ok: false; errors: LessonDiagnostic[]; warnings: LessonDiagnostic[]; lesson: BrokenLesson };

/** A variable read or written, or an id declared, at an absolute place in the file. */
interface Located {
  line: number;
  column: number;
}

interface BlockRecord {
  block: LessonBlock;
  line: number;
  uses: (Located & { name: string })[];
  saves: string[];
  refs: (Located & { id: string; kinds: LessonBlockKind[] })[];
}

/** `lessons/01-what-and-why.md` -> `what-and-why`. */
export function slugFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base
    .replace(/\.md$/i, '')
    .replace(/^\d+[-_]/, '')
    .toLowerCase();
}

/**
 * Compile one lesson.
 *
 * @param source the markdown file's text
 * @param file the path to name in diagnostics, e.g. `lessons/01-what-and-why.md`
 */
export function compileLesson(
  source: string,
  file: string,
  options: CompileOptions = {},
): CompileResult {
  const diagnostics: LessonDiagnostic[] = [];
  const report = (
    line: number,
    column: number,
    message: string,
    severity: LessonDiagnostic['severity'] = 'error',
  ) => diagnostics.push({ file, line, column, message, severity });

  const text = source.replace(/\r\n?/g, '\n').replace(/^\uFEFF/, '');
  const lines = text.split('\n');

  const frontMatter = parseFrontMatter(lines, report);

  // Blank the front-matter out (keeping its lines) so mdast positions are file positions.
  const markdown = lines
    .map((line, index) => (index < frontMatter.bodyStartLine - 1 ? '' : line))
    .join('\n');
  const root = unified().use(remarkParse).use(remarkGfm).parse(markdown) as Root;

  const compiler = new TreeCompiler(file, lines, report, options);
  const body = compiler.blocks(root.children);
  compiler.checkBlocks();

  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const slug = frontMatter.data?.slug ?? slugFromFileName(file);

  if (errors.length > 0 || !frontMatter.data) {
    return {
      ok: false,
      errors,
      warnings,
      lesson: {
        status: 'broken',
        slug,
        file,
        title: frontMatter.partial.title ?? file.split('/').pop() ?? file,
        order: frontMatter.partial.order ?? Number.MAX_SAFE_INTEGER,
        diagnostics,
      },
    };
  }
  const { title, summary, order, duration, server } = frontMatter.data;
  return {
    ok: true,
    lesson: {
      status: 'ok',
      slug,
      file,
      title,
      summary,
      order,
      duration,
      minutes: Number.parseInt(duration, 10),
      sections: compiler.sections,
      server: server ?? { clock: 'real' },
      body,
      diagnostics: warnings,
    },
  };
}

/** Compile one lesson to what `virtual:lessons` ships: a compiled lesson or a broken one. */
export function compileLessonEntry(
  source: string,
  file: string,
  options?: CompileOptions,
): LessonEntry {
  return compileLesson(source, file, options).lesson;
}

const CALLOUT = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(\n|$)/i;

class TreeCompiler {
  readonly sections: LessonSection[] = [];
  private readonly records: BlockRecord[] = [];
  /** Every id a block declares, even when the block failed later, so duplicates always show. */
  private readonly declaredIds: (Located & { value: string; kind: LessonBlockKind })[] = [];
  private readonly slugger = createSlugger();
  private readonly definitions = new Map<string, { url: string; title?: string | null }>();

  constructor(
    private readonly file: string,
    private readonly lines: string[],
    private readonly report: (
      line: number,
      column: number,
      message: string,
      severity?: 'error' | 'warning',
    ) => void,
    private readonly options: CompileOptions,
  ) {}

  blocks(nodes: RootContent[]): MarkdownNode[] {
    for (const node of nodes) {
      if (node.type === 'definition') {
        this.definitions.set(node.identifier, { url: node.url, title: node.title });
      }
    }
    const out: MarkdownNode[] = [];
    for (const node of nodes) {
      const compiled = this.block(node);
      if (compiled) out.push(compiled);
    }
    return out;
  }

  private at(node: Nodes): Located {
    return { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
  }

  private block(node: RootContent): MarkdownNode | undefined {
    const { line, column } = this.at(node);
    switch (node.type) {
      case 'heading': {
        if (node.depth === 1) {
          this.report(
            line,
            column,
            'Do not use a level-1 heading: the front-matter title is the page title. Start sections at "##".',
          );
          return undefined;
        }
        const title = plainText(node.children);
        const id = this.slugger.slug(title);
        if (node.depth === 2) this.sections.push({ id, title });
        return { type: 'heading', depth: node.depth, id, children: this.inlines(node.children) };
      }
      case 'paragraph':
        return { type: 'paragraph', children: this.inlines(node.children) };
      case 'list':
        return {
          type: 'list',
          ordered: node.ordered === true,
          ...(node.ordered && node.start != null && node.start !== 1 ? { start: node.start } : {}),
          items: node.children.map((item) => ({
            ...(typeof item.checked === 'boolean' ? { checked: item.checked } : {}),
            children: this.blocks(item.children),
          })),
        };
      case 'blockquote':
        return this.blockquote(node);
      case 'code':
        return this.code(node);
      case 'table':
        return {
          type: 'table',
          align: (node.align ?? []).map((a) => a ?? null),
          rows: node.children.map((row) => row.children.map((cell) => this.inlines(cell.children))),
        };
      case 'thematicBreak':
        return { type: 'thematicBreak' };
      case 'html':
        return this.html(node.value, line, column);
      case 'definition':
        return undefined;
      case 'footnoteDefinition':
        this.report(
          line,
          column,
          'Footnotes are not supported: put the note in the text or a callout.',
        );
        return undefined;
      default:
        this.report(line, column, `Unsupported markdown here: ${node.type}.`);
        return undefined;
    }
  }

  private html(
    value: string,
    line: number,
    column: number,
  ): { type: 'rawHtml'; value: string } | undefined {
    // Comments are notes to other authors: drop them quietly.
    if (/^<!--[\s\S]*-->$/.test(value.trim())) return undefined;
    this.report(
      line,
      column,
      'Raw HTML is not rendered: it shows as plain text. Use markdown or a block instead.',
      'warning',
    );
    return { type: 'rawHtml', value };
  }

  private blockquote(node: Extract<RootContent, { type: 'blockquote' }>): MarkdownNode {
    const first = node.children[0];
    const firstText = first?.type === 'paragraph' ? first.children[0] : undefined;
    const match = firstText?.type === 'text' ? CALLOUT.exec(firstText.value) : null;
    if (!match || !first || first.type !== 'paragraph' || firstText?.type !== 'text') {
      return { type: 'blockquote', children: this.blocks(node.children) };
    }
    const kind = (match[1] ?? 'note').toLowerCase() as CalloutKind;
    const rest = firstText.value.slice(match[0].length);
    const paragraph = {
      ...first,
      children: [{ ...firstText, value: rest }, ...first.children.slice(1)],
    };
    const emptyLead = rest === '' && first.children.length === 1;
    const children = emptyLead ? node.children.slice(1) : [paragraph, ...node.children.slice(1)];
    // A line break right after the marker would start the callout with an empty line.
    const compiled = this.blocks(children);
    const lead = compiled[0];
    if (lead?.type === 'paragraph' && lead.children[0]?.type === 'break') lead.children.shift();
    return { type: 'callout', kind, children: compiled };
  }

  private inlines(nodes: PhrasingContent[]): InlineNode[] {
    const out: InlineNode[] = [];
    for (const node of nodes) {
      const compiled = this.inline(node);
      if (compiled) out.push(compiled);
    }
    // Merge adjacent text (a dropped comment can leave two).
    return out.reduce<InlineNode[]>((merged, node) => {
      const last = merged[merged.length - 1];
      if (last?.type === 'text' && node.type === 'text') last.value += node.value;
      else merged.push(node);
      return merged;
    }, []);
  }

  private inline(node: PhrasingContent): InlineNode | undefined {
    const { line, column } = this.at(node);
    switch (node.type) {
      case 'text':
        return { type: 'text', value: node.value };
      case 'emphasis':
      case 'strong':
      case 'delete':
        return { type: node.type, children: this.inlines(node.children) };
      case 'inlineCode':
        return { type: 'inlineCode', value: node.value };
      case 'break':
        return { type: 'break' };
      case 'link':
        return this.link(node.url, node.title, this.inlines(node.children), line, column);
      case 'linkReference': {
        const definition = this.definitions.get(node.identifier);
        const children = this.inlines(node.children);
        if (!definition) return { type: 'text', value: plainText(node.children) };
        return this.link(definition.url, definition.title, children, line, column);
      }
      case 'image':
        return this.image(node.url, node.alt, node.title, line, column);
      case 'imageReference': {
        const definition = this.definitions.get(node.identifier);
        if (!definition) return { type: 'text', value: node.alt ?? '' };
        return this.image(definition.url, node.alt, definition.title, line, column);
      }
      case 'html':
        return this.html(node.value, line, column);
      case 'footnoteReference':
        this.report(
          line,
          column,
          'Footnotes are not supported: put the note in the text or a callout.',
        );
        return undefined;
    }
  }

  private link(
    href: string,
    title: string | null | undefined,
    children: InlineNode[],
    line: number,
    column: number,
  ): InlineNode {
    if (!isSafeUrl(href, LINK_SCHEMES)) {
      this.report(
        line,
        column,
        `Link to "${href}" is not allowed: use an http(s): or mailto: URL, or a relative link.`,
      );
      return { type: 'text', value: children.map(inlineText).join('') };
    }
    return { type: 'link', href, ...(title ? { title } : {}), children };
  }

  private image(
    src: string,
    alt: string | null | undefined,
    title: string | null | undefined,
    line: number,
    column: number,
  ): InlineNode | undefined {
    if (!isSafeUrl(src, IMAGE_SCHEMES)) {
      this.report(
        line,
        column,
        `Image "${src}" is not allowed: use an http(s): URL or a relative path.`,
      );
      return undefined;
    }
    if (!alt) {
      this.report(line, column, 'Image without alt text: describe it in ![the brackets](...).');
    }
    return { type: 'image', src, alt: alt ?? '', ...(title ? { title } : {}) };
  }

  // -------------------------------------------------------------------------------------------
  // Fenced blocks
  // -------------------------------------------------------------------------------------------

  private code(node: Extract<RootContent, { type: 'code' }>): MarkdownNode | undefined {
    const { line, column } = this.at(node);
    const lineText = this.lines[line - 1] ?? '';
    // Find the info string's column: past the fence characters and the spaces after them.
    let offset = column - 1;
    while (offset < lineText.length && /[`~]/.test(lineText[offset] ?? '')) offset++;
    const isFenced = offset > column - 1;
    while (offset < lineText.length && /[ \t]/.test(lineText[offset] ?? '')) offset++;
    const info = isFenced ? lineText.slice(offset).trimEnd() : '';
    const infoColumn = offset + 1;

    if (info === '') return { type: 'code', value: node.value };
    const parsed = parseInfoString(info);
    if ('message' in parsed) {
      this.report(line, infoColumn + parsed.offset, parsed.message);
      return undefined;
    }
    const name = parsed.name;
    if (CODE_LANGUAGES.includes(name.toLowerCase())) {
      if (parsed.options.length > 0) {
        const first = parsed.options[0];
        this.report(
          line,
          infoColumn + (first?.offset ?? 0),
          `A plain "${name}" code block takes no options. For an interactive block use one of: ${BLOCK_NAMES.join(', ')}.`,
        );
        return undefined;
      }
      return { type: 'code', lang: name.toLowerCase(), value: node.value };
    }
    if (!(BLOCK_NAMES as string[]).includes(name)) {
      const suggestion = closest(name, [...BLOCK_NAMES, ...CODE_LANGUAGES]);
      this.report(
        line,
        infoColumn,
        `Unknown block "${name}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Blocks: ${BLOCK_NAMES.join(', ')}; plain code takes a language such as json, http or bash.`,
      );
      return undefined;
    }
    const kind = name as LessonBlockKind;
    const spec = BLOCKS[kind];
    const bodyLine = line + 1;
    const bodyColumn = column;
    const optionColumns = new Map<string, number>();
    const values: Record<string, unknown> = {};
    const given = new Set<string>();
    let ok = true;

    for (const option of parsed.options) {
      const optionColumn = infoColumn + option.offset;
      const optionSpec = spec.options[option.key];
      if (!optionSpec) {
        const known = Object.keys(spec.options);
        const suggestion = closest(option.key, known);
        this.report(
          line,
          optionColumn,
          `Unknown option "${option.key}" for block "${kind}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Options: ${known.join(', ')}.`,
        );
        ok = false;
        continue;
      }
      if (given.has(option.key)) {
        this.report(line, optionColumn, `Option "${option.key}" is given twice.`);
        ok = false;
        continue;
      }
      given.add(option.key);
      optionColumns.set(option.key, optionColumn);
      const result = optionSpec.parse(option.value);
      if ('error' in result) {
        this.report(
          line,
          optionColumn,
          `Option "${option.key}" of block "${kind}": ${result.error}`,
        );
        ok = false;
        continue;
      }
      values[option.key] = result.value;
    }
    for (const [key, optionSpec] of Object.entries(spec.options)) {
      if (given.has(key)) continue;
      if (optionSpec.required) {
        this.report(
          line,
          infoColumn,
          `Block "${kind}" needs option "${key}" (${optionSpec.syntax}).`,
        );
        ok = false;
      } else if (optionSpec.default !== undefined) {
        const result = optionSpec.parse(optionSpec.default);
        if ('value' in result) values[key] = result.value;
      }
    }

    if (typeof values.id === 'string') {
      this.declaredIds.push({
        value: values.id,
        kind,
        line,
        column: optionColumns.get('id') ?? infoColumn,
      });
    }

    const body = node.value;
    if (spec.body === 'none' && body.trim() !== '') {
      this.report(
        bodyLine,
        bodyColumn,
        `Block "${kind}" takes no body: remove the lines between the fences.`,
      );
      ok = false;
    }
    if (spec.body === 'required' && body.trim() === '') {
      this.report(line, infoColumn, `Block "${kind}" needs a body between the fences.`);
      ok = false;
    }
    if (!ok) return undefined;

    const record: Omit<BlockRecord, 'block'> = { line, uses: [], saves: [], refs: [] };
    const toFile = (point: BodyPoint): Located => ({
      line: bodyLine + point.line,
      column: bodyColumn + point.column,
    });
    let failed = false;
    const context: BlockContext = {
      options: values,
      given,
      body,
      source: { file: this.file, line },
      error: (message, at) => {
        failed = true;
        const where = at ? toFile(at) : { line, column: infoColumn };
        this.report(where.line, where.column, message);
      },
      use: (name, at) => {
        const where = at ? toFile(at) : { line, column: optionColumns.get('from') ?? infoColumn };
        record.uses.push({ name, ...where });
      },
      parseHttp: (requestText, map) => {
        const result = parseHttpRequest(requestText, this.options.allowedOrigins);
        if (!result.ok) {
          failed = true;
          for (const problem of result.problems) {
            const where = toFile(map(problem.line, problem.column));
            this.report(where.line, where.column, problem.message);
          }
          return undefined;
        }
        for (const use of result.uses) {
          if (!use.name.startsWith('$'))
            record.uses.push({ name: use.name, ...toFile(map(use.line, use.column)) });
        }
        return result.request;
      },
      parseYaml: <T>(schema: z.ZodType<T>, what: string) => {
        const parsed = parseYamlBody(body, schema, what);
        if ('problems' in parsed) {
          failed = true;
          for (const problem of parsed.problems) {
            const where = toFile(problem);
            this.report(where.line, where.column, problem.message);
          }
          return undefined;
        }
        return parsed;
      },
    };
    const block = (spec.parse as (context: BlockContext) => LessonBlock | undefined)(context);
    if (!block || failed) return undefined;

    if (block.kind === 'request') record.saves = block.save.map((rule) => rule.variable);
    if (block.kind === 'curl') {
      record.refs.push({
        id: block.for,
        kinds: ['request'],
        line,
        column: optionColumns.get('for') ?? infoColumn,
      });
    }
    if (block.kind === 'exercise' && block.check.response?.request) {
      record.refs.push({
        id: block.check.response.request,
        kinds: ['request'],
        line,
        column: infoColumn,
      });
    }
    if (block.kind === 'exercise') {
      for (const step of block.solution?.steps ?? []) {
        record.refs.push({ id: step.request, kinds: ['request'], line, column: infoColumn });
      }
    }
    if (block.kind === 'exercise' && block.check.lab) {
      record.refs.push({ id: block.check.lab.id, kinds: ['lab'], line, column: infoColumn });
    }
    this.records.push({ ...record, block });
    return { type: 'block', block };
  }

  /** Checks across blocks: unique ids, references, and variables used before they are saved. */
  checkBlocks(): void {
    const ids = new Map<string, (typeof this.declaredIds)[number]>();
    for (const declared of this.declaredIds) {
      const previous = ids.get(declared.value);
      if (previous) {
        this.report(
          declared.line,
          declared.column,
          `Duplicate id "${declared.value}": the ${previous.kind} block on line ${previous.line} already uses it.`,
        );
      } else {
        ids.set(declared.value, declared);
      }
    }
    for (const record of this.records) {
      for (const ref of record.refs) {
        const target = ids.get(ref.id);
        if (!target || !ref.kinds.includes(target.kind)) {
          const candidates = this.declaredIds
            .filter((declared) => ref.kinds.includes(declared.kind))
            .map((declared) => declared.value);
          this.report(
            ref.line,
            ref.column,
            `No ${ref.kinds.join(' or ')} block with id "${ref.id}" in this lesson.${candidates.length > 0 ? ` Ids: ${candidates.join(', ')}.` : ''}`,
          );
          continue;
        }
        const request = this.records.find(
          (r) => r.block.kind === 'request' && r.block.id === ref.id,
        )?.block;
        if (record.block.kind === 'curl' && request?.kind === 'request') {
          record.block.command = toCurl(request.request);
        }
        if (record.block.kind === 'exercise' && request?.kind === 'request') {
          for (const step of record.block.solution?.steps ?? []) {
            if (step.request === ref.id) step.requestTitle = request.title ?? request.id;
          }
        }
        const responseCheck =
          record.block.kind === 'exercise' ? record.block.check.response : undefined;
        if (responseCheck?.request === ref.id && request?.kind === 'request') {
          // The learner sees titles, never ids: the exercise names the request by its title.
          responseCheck.requestTitle = request.title ?? request.id;
        }
        const labCheck = record.block.kind === 'exercise' ? record.block.check.lab : undefined;
        const labBlock = this.records.find(
          (r) => r.block.kind === 'lab' && r.block.id === ref.id,
        )?.block;
        if (labCheck && labBlock?.kind === 'lab') {
          const spec: LabSpec = LABS[labBlock.lab];
          const outcomes = Object.keys(spec.outcomes);
          const description = spec.outcomes[labCheck.outcome];
          if (description !== undefined) labCheck.description = description;
          if (labBlock.title !== undefined) labCheck.labTitle = labBlock.title;
          if (!outcomes.includes(labCheck.outcome)) {
            const suggestion = closest(labCheck.outcome, outcomes);
            this.report(
              ref.line,
              ref.column,
              `The ${labBlock.lab} lab has no outcome "${labCheck.outcome}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Outcomes: ${outcomes.join(', ') || '(none)'}.`,
            );
          }
        }
      }
    }

    // An inspector explains the token a request above it saved, and keeps showing that one when
    // a request further down saves the same variable again.
    for (const [index, record] of this.records.entries()) {
      const block = record.block;
      if (block.kind !== 'jwt' || block.token !== undefined) continue;
      const variable = block.from ?? 'access_token';
      const savers = this.records
        .slice(0, index)
        .flatMap((r) =>
          r.block.kind === 'request' && r.saves.includes(variable) ? [r.block.id] : [],
        );
      if (savers.length > 0) block.savedBy = savers;
    }

    const savedAt = new Map<string, BlockRecord>();
    for (const record of this.records) {
      for (const use of record.uses) {
        if (savedAt.has(use.name)) continue;
        const later = this.records.find((r) => r.saves.includes(use.name));
        const hint = later
          ? ` It is first saved by the ${later.block.kind} block on line ${later.line}, further down: move that block up.`
          : ` Add save=${use.name} to an earlier request, or use a built-in helper such as {{$basic <client_id> <client_secret>}}.`;
        this.report(
          use.line,
          use.column,
          `Variable "${use.name}" is used before any earlier block saves it.${hint}`,
        );
      }
      for (const name of record.saves) if (!savedAt.has(name)) savedAt.set(name, record);
    }
  }
}

function plainText(nodes: PhrasingContent[]): string {
  return nodes
    .map((node) => {
      if ('value' in node && typeof node.value === 'string' && node.type !== 'html')
        return node.value;
      if ('children' in node) return plainText(node.children as PhrasingContent[]);
      if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
      return '';
    })
    .join('');
}

function inlineText(node: InlineNode): string {
  if ('value' in node) return node.value;
  if ('children' in node) return node.children.map(inlineText).join('');
  if (node.type === 'image') return node.alt;
  return '';
}

interface YamlProblem extends BodyPoint {
  message: string;
}

/** Parse a YAML block body and validate it, with every problem placed in the body. */
function parseYamlBody<T>(
  body: string,
  schema: z.ZodType<T>,
  what: string,
): { value: T; nodeAt(path: (string | number)[]): BodyPoint } | { problems: YamlProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(body, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pointAt = (offset: number): BodyPoint => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line - 1, column: col - 1 };
  };
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => ({
        ...pointAt(error.pos[0]),
        message: `Invalid YAML in the ${what} block: ${error.message.split('\n')[0]}`,
      })),
    };
  }
  const nodeAt = (path: (string | number)[]): BodyPoint => {
    for (let length = path.length; length >= 0; length--) {
      const node = doc.getIn(path.slice(0, length), true);
      if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
        return pointAt(node.range[0] as number);
      }
    }
    return { line: 0, column: 0 };
  };
  const keyAt = (path: (string | number)[], key: string): BodyPoint => {
    const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pointAt(pair.key.range[0]);
    }
    return nodeAt(path);
  };
  const result = schema.safeParse(doc.toJS(), { reportInput: true });
  if (result.success) return { value: result.data, nodeAt };
  return {
    problems: result.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const where = formatPath(path);
      if (issue.code === 'unrecognized_keys') {
        const key = issue.keys[0] ?? '';
        return {
          ...keyAt(path, key),
          message: `In the ${what} block${where ? ` at ${where}` : ''}: unknown key "${key}".`,
        };
      }
      const missing = issue.code === 'invalid_type' && issue.input === undefined;
      const message = missing
        ? `"${String(path[path.length - 1])}" is missing.`
        : issue.code === 'invalid_type'
          ? `expected ${issue.expected}, got ${describeValue(issue.input)}.`
          : `${issue.message}.`;
      return {
        ...(missing ? nodeAt(path.slice(0, -1)) : nodeAt(path)),
        message: `In the ${what} block${where ? ` at ${where}` : ''}: ${message}`,
      };
    }),
  };
}

function formatPath(path: (string | number)[]): string {
  return path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '');
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}
