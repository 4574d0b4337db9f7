import type { ReactNode } from 'react';
import type { InlineNode, LessonBlock, MarkdownNode } from '../../lessons/lesson-types.ts';
import { IMAGE_SCHEMES, isSafeUrl, LINK_SCHEMES } from '../../lessons/safe-url.ts';
import { BlockFallback } from './block-fallback.tsx';
import { CodeBlock, codeLabel } from './code-block.tsx';
import './markdown.css';

export interface MarkdownViewProps {
  nodes: MarkdownNode[];
  /**
   * Renders an interactive block. The UI's block registry plugs in here; without it (or when it
   * returns undefined) the block shows as its static fallback: its title and code.
   */
  renderBlock?: (block: LessonBlock) => ReactNode | undefined;
  /**
   * Maps a relative link (e.g. `./02-first-token.md#scopes`, as written for GitHub) to an in-app
   * href. Default: the link as written.
   */
  resolveHref?: (href: string) => string;
}

/**
 * Renders a compiled lesson's markdown tree. Nothing here parses markdown or HTML: raw HTML from
 * a lesson arrives as text and is shown as text (React escapes it), and links and images are
 * checked again against the allowed schemes before they reach the DOM.
 */
export function MarkdownView({ nodes, renderBlock, resolveHref }: MarkdownViewProps) {
  const context: RenderContext = {
    renderBlock: renderBlock ?? (() => undefined),
    resolveHref: resolveHref ?? ((href) => href),
  };
  return <div className="markdown">{renderBlocks(nodes, context)}</div>;
}

interface RenderContext {
  renderBlock: (block: LessonBlock) => ReactNode | undefined;
  resolveHref: (href: string) => string;
}

const CALLOUT_TITLES = {
  note: 'Note',
  tip: 'Tip',
  important: 'Important',
  warning: 'Warning',
  caution: 'Caution',
} as const;

function renderBlocks(nodes: MarkdownNode[], context: RenderContext): ReactNode[] {
  // Keys by position are right here: a compiled tree is replaced wholesale, never reordered.
  return nodes.map((node, index) => renderBlockNode(node, context, index));
}

function renderBlockNode(node: MarkdownNode, context: RenderContext, key: number): ReactNode {
  switch (node.type) {
    case 'heading': {
      const Tag = `h${node.depth}` as const;
      return (
        <Tag key={key} id={node.id} className="markdown-heading">
          {node.children.some((child) => child.type === 'link') ? (
            renderInlines(node.children, context)
          ) : (
            // The heading links to itself, so readers can copy a section's URL.
            <a className="markdown-anchor" href={`#${node.id}`}>
              {renderInlines(node.children, context)}
            </a>
          )}
        </Tag>
      );
    }
    case 'paragraph':
      return <p key={key}>{renderInlines(node.children, context)}</p>;
    case 'list': {
      const items = node.items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static compiled content, never reordered
        <li key={index} className={item.checked === undefined ? undefined : 'markdown-task'}>
          {item.checked === undefined ? null : (
            <input
              type="checkbox"
              checked={item.checked}
              disabled
              aria-label={item.checked ? 'done' : 'to do'}
            />
          )}
          {renderBlocks(item.children, context)}
        </li>
      ));
      return node.ordered ? (
        <ol key={key} start={node.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'blockquote':
      return <blockquote key={key}>{renderBlocks(node.children, context)}</blockquote>;
    case 'callout':
      return (
        <aside
          key={key}
          className={`markdown-callout markdown-callout-${node.kind}`}
          aria-label={CALLOUT_TITLES[node.kind]}
        >
          <p className="markdown-callout-title">{CALLOUT_TITLES[node.kind]}</p>
          {renderBlocks(node.children, context)}
        </aside>
      );
    case 'code':
      return (
        <CodeBlock key={key} label={codeLabel(node.lang)}>
          <code className={node.lang ? `language-${node.lang}` : undefined}>{node.value}</code>
        </CodeBlock>
      );
    case 'table': {
      const [head = [], ...rows] = node.rows;
      // A class, not a style attribute: the prerendered HTML's Content-Security-Policy allows
      // no style attributes (plugins/content-security-policy.ts).
      const align = (column: number) => {
        const value = node.align[column];
        return value ? `markdown-align-${value}` : undefined;
      };
      return (
        <div key={key} className="markdown-table">
          <table>
            <thead>
              <tr>
                {head.map((cell, column) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: static compiled content
                  <th key={column} scope="col" className={align(column)}>
                    {renderInlines(cell, context)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, rowIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: static compiled content
                <tr key={rowIndex}>
                  {row.map((cell, column) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: static compiled content
                    <td key={column} className={align(column)}>
                      {renderInlines(cell, context)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case 'thematicBreak':
      return <hr key={key} />;
    case 'rawHtml':
      // Shown as text, never as markup: React escapes the string.
      return (
        <CodeBlock key={key} label="HTML, shown as text" className="markdown-raw-html">
          <code>{node.value}</code>
        </CodeBlock>
      );
    case 'block':
      return (
        <div key={key} className="markdown-block" data-block={node.block.kind}>
          {context.renderBlock(node.block) ?? <BlockFallback block={node.block} />}
        </div>
      );
  }
}

function renderInlines(nodes: InlineNode[], context: RenderContext): ReactNode[] {
  return nodes.map((node, index) => renderInline(node, context, index));
}

function renderInline(node: InlineNode, context: RenderContext, key: number): ReactNode {
  switch (node.type) {
    case 'text':
      return node.value;
    case 'emphasis':
      return <em key={key}>{renderInlines(node.children, context)}</em>;
    case 'strong':
      return <strong key={key}>{renderInlines(node.children, context)}</strong>;
    case 'delete':
      return <del key={key}>{renderInlines(node.children, context)}</del>;
    case 'inlineCode':
      return <code key={key}>{node.value}</code>;
    case 'break':
      return <br key={key} />;
    case 'link': {
      const children = renderInlines(node.children, context);
      if (!isSafeUrl(node.href, LINK_SCHEMES)) return <span key={key}>{children}</span>;
      const external = /^https?:/i.test(node.href);
      const href = external ? node.href : context.resolveHref(node.href);
      if (!isSafeUrl(href, LINK_SCHEMES)) return <span key={key}>{children}</span>;
      return (
        <a
          key={key}
          href={href}
          title={node.title}
          {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})}
        >
          {children}
        </a>
      );
    }
    case 'image':
      if (!isSafeUrl(node.src, IMAGE_SCHEMES)) return <span key={key}>{node.alt}</span>;
      return <img key={key} src={node.src} alt={node.alt} title={node.title} loading="lazy" />;
    case 'rawHtml':
      return (
        <code key={key} className="markdown-raw-html">
          {node.value}
        </code>
      );
  }
}
