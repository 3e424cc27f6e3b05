// `npx cem analyze --config custom-elements-manifest.config.mjs` writes custom-elements.json from the
// widget's JSDoc; `node scripts/widget-readme.mjs` turns that into widget/README.md, the API tables
// the project README includes.

/** Keeps the manifest to the public API: exported declarations, public members, named events. */
function publicApiOnly() {
  return {
    name: 'public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        const exported = new Set((mod.exports ?? []).map((e) => e.declaration?.name));
        mod.declarations = (mod.declarations ?? []).filter((d) => exported.has(d.name));
        for (const declaration of mod.declarations) {
          if (declaration.members) declaration.members = declaration.members.filter((m) => !m.name.startsWith('#') && m.privacy !== 'private');
          if (declaration.events) declaration.events = declaration.events.filter((e) => e.name?.startsWith('call-power-'));
        }
      }
    },
  };
}

export default {
  globs: ['widget/call-power.ts', 'widget/events.ts', 'widget/define.ts'],
  outdir: '.',
  litelement: true,
  plugins: [publicApiOnly()],
};
