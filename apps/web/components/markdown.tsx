import type { Element, ElementContent } from 'hast';
import Link from 'next/link';
import Markdown, { defaultUrlTransform, type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './code-block';

/** The text of a hast node (a code block holds only text). */
function textOf(node: ElementContent): string {
  return node.type === 'text' ? node.value : node.type === 'element' ? node.children.map(textOf).join('') : '';
}

/** A fenced block's language from its code element's class (`language-python`), or null. */
function languageOf(code: Element): string | null {
  const cls = code.properties['className'];
  const names: string[] = Array.isArray(cls) ? cls.map(String) : String(cls ?? '').split(' ');
  return names.find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? null;
}

const components: Components = {
  // Fenced code blocks: highlighted and wrapping (inline `code` stays as it is).
  pre: ({ node }) => {
    const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
    if (!code) return <pre>{node ? node.children.map(textOf).join('') : null}</pre>;
    return <CodeBlock code={code.children.map(textOf).join('')} language={languageOf(code)} />;
  },
  // Links inside the app (e.g. to an exercise) navigate without a full page load.
  a: ({ href, children, node: _node, ...rest }) =>
    href && href.startsWith('/') && !href.startsWith('//') ? (
      <Link href={href} {...rest}>
        {children}
      </Link>
    ) : (
      <a href={href} {...rest}>
        {children}
      </a>
    ),
};

/** Course markdown (lesson steps, exercise instructions) with GitHub tables, highlighted code and in-app links. */
export function CourseMarkdown({ text, urlTransform }: { text: string; urlTransform?: (url: string) => string }) {
  return (
    <Markdown
      remarkPlugins={[remarkGfm]}
      components={components}
      urlTransform={(url) => (urlTransform ? urlTransform(defaultUrlTransform(url)) : defaultUrlTransform(url))}
    >
      {text}
    </Markdown>
  );
}
