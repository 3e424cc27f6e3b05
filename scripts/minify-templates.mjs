// Collapses the formatting whitespace of the widget's Lit templates and stylesheet: a few hundred
// bytes of the embed's 20 KB budget. Only whitespace the browser ignores is removed.

const minifyCss = (raw) =>
  raw
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .replace(/([\s:(,])0\./g, '$1.')
    .replace(/\[([\w-]+)(~?=)'([a-z][\w-]*)'\]/gi, '[$1$2$3]')
    .trim();

// A line break between tags, or between a tag and the template's edge, renders as nothing in our
// templates; any other run of whitespace with a line break (between attributes, words) becomes a space.
const minifyHtml = (raw) =>
  raw
    .replace(/>\s*\n\s*</g, '><')
    .replace(/^\s*\n\s*(?=<)|(?<=>)\s*\n\s*$/g, '')
    .replace(/\s*\n\s*/g, ' ');

/** Each template to minify, with its kind: html`…`, css`…` and unsafeCSS(`…`). */
function* templates(node) {
  if (!node || typeof node.type !== 'string') return;
  if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier') yield [node.tag.name, node.quasi];
  if (node.type === 'CallExpression' && node.callee.name === 'unsafeCSS' && node.arguments[0]?.type === 'TemplateLiteral') {
    yield ['css', node.arguments[0]];
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* templates(child);
    else if (value && typeof value === 'object') yield* templates(value);
  }
}

/** @returns {import('rollup').Plugin} */
export function minifyTemplates({ include = /\/widget\/.*\.ts$/ } = {}) {
  const minifiers = { css: minifyCss, html: minifyHtml };
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!include.test(id)) return null;
      const edits = [];
      for (const [kind, template] of templates(this.parse(code))) {
        const minify = minifiers[kind];
        if (!minify) continue;
        for (const quasi of template.quasis) edits.push([quasi.start, quasi.end, minify(code.slice(quasi.start, quasi.end))]);
      }
      if (!edits.length) return null;
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
      return { code: out, map: null };
    },
  };
}
