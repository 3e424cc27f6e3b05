import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
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

/** libphonenumber-js also ships untranspiled modules; its es6/ build carries Babel's class helpers. */
function modernPhoneModules() {
  return {
    name: 'modern-phone-modules',
    load: (id) => (id.includes('/libphonenumber-js/es6/') ? readFileSync(id.replace('/es6/', '/source/'), 'utf8') : null),
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
    modernPhoneModules(),
    nodeResolve({ browser: true }),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['widget/**/*.ts'],
      compilerOptions: {
        noEmit: false,
        allowImportingTsExtensions: false,
        rewriteRelativeImportExtensions: true,
        module: 'ESNext',
        moduleResolution: 'Bundler',
        types: [],
        sourceMap: true,
      },
    }),
    minifyTemplates(),
    terser({ ecma: 2022, module: true, compress: { passes: 3 }, format: { comments: false } }),
    gzipSize(),
  ],
};
