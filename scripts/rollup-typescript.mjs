import typescript from '@rollup/plugin-typescript';

/**
 * TypeScript for a browser bundle: the root tsconfig (which only typechecks, with `.ts` imports) made to
 * emit ES modules for rollup. `include` names the bundle's own sources.
 */
export const browserTypescript = (include) =>
  typescript({
    tsconfig: './tsconfig.json',
    include,
    compilerOptions: {
      noEmit: false,
      allowImportingTsExtensions: false,
      rewriteRelativeImportExtensions: true,
      module: 'ESNext',
      moduleResolution: 'Bundler',
      types: [],
      sourceMap: true,
    },
  });
