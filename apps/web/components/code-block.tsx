import { highlightPython, plainLines } from '../lib/highlight';

/**
 * A block of code as the lesson shows it: Python highlighted, each source line its own row, so a line too long for
 * the page wraps with a hanging indent instead of being cut off.
 */
export function CodeBlock({ code, language }: { code: string; language: string | null }) {
  const lines = language === 'python' || language === 'py' ? highlightPython(code) : plainLines(code);
  return (
    <pre className="code-block" data-language={language ?? undefined}>
      <code>
        {lines.map((tokens, i) => (
          <span key={i} className="code-line">
            {tokens.length === 0
              ? '\n'
              : tokens.map((t, j) =>
                  t.className ? (
                    <span key={j} className={t.className}>
                      {t.text}
                    </span>
                  ) : (
                    t.text
                  ),
                )}
          </span>
        ))}
      </code>
    </pre>
  );
}
