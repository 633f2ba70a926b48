import { convert, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';

const skip = (selector: string) => ({ selector, format: 'skip' });
const keepCase = (selector: string) => ({ selector, options: { uppercase: false } });

/** One table row per line, cells separated by " | " (html-to-text would otherwise run cells together). */
const tableCell: FormatCallback = (element, walk, builder) => {
  const cells = (element.parent?.children ?? []).filter((node) => node.name === 'td' || node.name === 'th');
  if (cells.indexOf(element) > 0) builder.addInline(' | ');
  walk(element.children, builder);
};

function optionsFor(pageUrl: string): HtmlToTextOptions {
  return {
    wordwrap: false,
    formatters: { tableCell },
    selectors: [
      ...['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'nav', 'img', 'picture', 'video', 'audio'].map(skip),
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map(keepCase),
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      { selector: 'td', format: 'tableCell' },
      { selector: 'th', format: 'tableCell' },
      {
        selector: 'a',
        options: {
          hideLinkHrefIfSameAsText: true,
          noAnchorUrl: true,
          pathRewrite: (href: string) => absoluteHref(href, pageUrl),
        },
      },
    ],
  };
}

/** Readable text of an HTML page: no scripts, styles, navigation or images; links as "text [absolute url]". */
export function htmlToReadableText(html: string, pageUrl: string): string {
  return convert(html, optionsFor(pageUrl))
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function absoluteHref(href: string, pageUrl: string): string {
  try {
    return new URL(href, pageUrl).href;
  } catch {
    return href;
  }
}
