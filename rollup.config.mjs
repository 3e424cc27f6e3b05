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
  // Caught in parsePhoneNumber_.js, never shown: its name and message are for developers.
  'ParseError.js': 'export default class ParseError extends Error {}',
};

/**
 * Settings libphonenumber-js checks at run time that are fixed in the embed: its metadata is the
 * current version (never v1, v2 or v3), and phone.ts only ever takes the v2 API's answers, never
 * `extended` ones, nor IDD formats. Folded to constants, terser drops the branches.
 */
const phoneConstants = [
  [/\bthis\.(metadata\.)?v[123]\b(?! =)/g, 'false'],
  [/\boptions\.v2\b/g, 'true'],
  [/\boptions\.(extended|fromCountry)\b/g, 'undefined'],
];

/**
 * Functions of libphonenumber-js written out longer than the embed needs, by file: metadata.js's
 * `getType` is a `switch` over the type names, which the same names in a list index as well; its
 * `setVersion` sets flags that `phoneConstants` folded away (and `v4`, which nothing reads).
 */
const phoneRewrites = {
  'metadata.js': [
    [/function setVersion\(metadata\) \{\n[^]*?\n\}/, 'function setVersion() {}'],
    [
      /function getType\(types, type\) \{\n\tswitch[^]*?\n\}\n/,
      "const TYPES = ['FIXED_LINE', 'MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'PERSONAL_NUMBER', 'VOICEMAIL', 'UAN', 'PAGER', 'VOIP', 'SHARED_COST']\nfunction getType(types, type) { return types[TYPES.indexOf(type)] }\n",
    ],
  ],
};

/** Methods of libphonenumber-js's classes that phone.ts never reaches (terser keeps every class method). */
const phoneUnusedMethods = {
  'PhoneNumber.js': ['setExt', 'getPossibleCountries', 'isPossible', 'isNonGeographic', 'isEqual', 'getType', 'getURI'],
  'metadata.js': [
    'getCountries',
    'isNonGeographicCallingCode',
    'country',
    'chooseCountryByCountryCallingCode',
    'getDefaultCountryMetadataForRegion',
    'defaultIDDPrefix',
    'nationalPrefixIsMandatoryWhenFormattingInNationalFormat',
    'usesNationalPrefix',
    // Only format.js's formatExtension reads it, for a number with an extension: the embed parses none.
    'ext',
  ],
};

/**
 * What to cut from a module, as [start, end] ranges: the `unused` methods, and the message of every
 * `throw new Error(message)` (or TypeError, ParseError) left: messages for developers, not callers.
 */
function* cuts(node, unused = []) {
  if (!node || typeof node.type !== 'string') return;
  if (node.type === 'MethodDefinition' && unused.includes(node.key.name)) return yield [node.start, node.end];
  const thrown = node.type === 'ThrowStatement' && node.argument;
  if (thrown?.type === 'NewExpression' && /^(Type|Parse)?Error$/.test(thrown.callee.name) && thrown.arguments.length) {
    yield [thrown.arguments[0].start, thrown.arguments.at(-1).end];
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* cuts(child, unused);
    else if (value && typeof value === 'object') yield* cuts(value, unused);
  }
}

/**
 * libphonenumber-js as the embed takes it: its untranspiled source/ (the es6/ build carries Babel's
 * class helpers), with the stubs, constants and cuts above: 1.9 KB gzipped less.
 */
function phoneModules() {
  const file = (id) => id.match(/\/libphonenumber-js\/(?:es6|source)\/(.*)$/)?.[1];
  return {
    name: 'phone-modules',
    load: (id) => (file(id) ? (phoneStubs[file(id)] ?? readFileSync(id.replace('/es6/', '/source/'), 'utf8')) : null),
    transform(code, id) {
      if (!file(id)) return null;
      let out = code;
      for (const [start, end] of [...cuts(this.parse(code), phoneUnusedMethods[file(id)])].reverse()) out = out.slice(0, start) + out.slice(end);
      for (const [pattern, value] of [...phoneConstants, ...(phoneRewrites[file(id)] ?? [])]) out = out.replace(pattern, value);
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
