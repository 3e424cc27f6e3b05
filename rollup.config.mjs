import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { browserTypescript } from './scripts/rollup-typescript.mjs';
import { minifyTemplates } from './scripts/minify-templates.mjs';
import { countries, metadataModule, metadataSource } from './scripts/phone-metadata.mjs';

/** The embed's budget: Lit, phone validation and the widget together. */
const budget = 20 * 1024;

/** Serves libphonenumber-js metadata sliced to the deployment's countries. */
function phoneMetadata() {
  const id = '\0phone-metadata';
  return {
    name: 'phone-metadata',
    resolveId: (source) => (source === metadataModule ? id : null),
    load: (source) => (source === id ? metadataSource() : null),
  };
}

/**
 * What of libphonenumber-js a caller typing their own number never reaches: extensions, `tel:` URIs,
 * formats other than national and international, possible-but-invalid checks, old metadata versions
 * and argument juggling (phone.ts always passes text, country, metadata). A number typed with an
 * extension is then refused, which is right: the server rings the caller's number only.
 */
const phoneStubs = {
  'tools/semver-compare.js': 'export default () => 1',
  'helpers/extension/extractExtension.js': 'export default () => ({})',
  'helpers/extension/createExtensionPattern.js': "export default () => '(?!)'",
  'helpers/extractFormattedPhoneNumberFromPossibleRfc3966NumberUri.js': 'export default (text, o) => o.extractFormattedPhoneNumber(text) || undefined',
  'helpers/RFC3966.js': 'export const formatRFC3966 = () => {}',
  'helpers/getIddPrefix.js': 'export default () => {}',
  'helpers/getPossibleCountriesForNumber.js': 'export default () => []',
  'isPossible.js': 'export default () => true; export const isPossibleNumber = () => true',
  'normalizeArguments.js': 'export default ([text, defaultCountry, metadata]) => ({ text, options: { defaultCountry }, metadata })',
};

/** Every `throw new Error(message)` (or TypeError) in a module: messages for developers, not callers. */
function* errorMessages(node) {
  if (!node || typeof node.type !== 'string') return;
  const thrown = node.type === 'ThrowStatement' && node.argument;
  if (thrown?.type === 'NewExpression' && /^(Type)?Error$/.test(thrown.callee.name) && thrown.arguments.length) yield thrown.arguments;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* errorMessages(child);
    else if (value && typeof value === 'object') yield* errorMessages(value);
  }
}

/**
 * libphonenumber-js as the embed takes it: its untranspiled source/ (the es6/ build carries Babel's
 * class helpers), with the stubs above and without its error messages: 1.3 KB gzipped less.
 */
function phoneModules() {
  const file = (id) => id.match(/\/libphonenumber-js\/(?:es6|source)\/(.*)$/)?.[1];
  return {
    name: 'phone-modules',
    load: (id) => (file(id) ? (phoneStubs[file(id)] ?? readFileSync(id.replace('/es6/', '/source/'), 'utf8')) : null),
    transform(code, id) {
      if (!file(id)) return null;
      let out = code;
      for (const args of [...errorMessages(this.parse(code))].reverse()) out = out.slice(0, args[0].start) + out.slice(args.at(-1).end);
      return { code: out, map: null };
    },
  };
}

/** Prints the gzipped size of each chunk and fails the build over budget. */
function gzipSize() {
  return {
    name: 'gzip-size',
    generateBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const size = gzipSync(chunk.code, { level: 9 }).length;
        const line = `${options.dir ?? 'dist'}/${chunk.fileName}: ${chunk.code.length} bytes, ${size} bytes gzipped (budget ${budget}; countries ${countries.join(',')})`;
        if (size > budget) this.error(`${line} — over budget`);
        console.log(line);
      }
    },
  };
}

export default {
  input: 'widget/define.ts',
  output: { file: 'dist/call-power.js', format: 'es', sourcemap: true },
  plugins: [
    phoneMetadata(),
    phoneModules(),
    nodeResolve({ browser: true }),
    browserTypescript(['widget/**/*.ts']),
    minifyTemplates(),
    // pure_getters: reading a property has no side effects in this bundle, so reads the phone stubs leave unused go too.
    terser({ ecma: 2022, module: true, compress: { passes: 3, pure_getters: true }, format: { comments: false } }),
    gzipSize(),
  ],
};
