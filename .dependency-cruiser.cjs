/**
 * The architecture as rules (`npm run lint` fails on any violation):
 * - no import cycles anywhere, type-only imports included;
 * - the app (`src/`) never reaches the dev tooling (`packages/`, `dev/`), tests or benches, and
 *   imports only production dependencies, so the image carries no dev code;
 * - a workspace package never imports the app, and the app's dev stack, tests and benches reach
 *   a package only through its public entry (`src/index.ts`);
 * - inside the embedded Temporal service, the state layer imports nothing above it and no area
 *   imports the engine that builds it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only ones count) make layers impossible to read or change alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'app-not-to-dev-code',
      severity: 'error',
      comment: 'The production build compiles src/ only: it must not depend on dev tooling, tests or benches.',
      from: { path: '^src/' },
      to: { path: '^(packages|dev|test|bench|scripts)/' },
    },
    {
      name: 'app-only-production-dependencies',
      severity: 'error',
      comment: 'src/ runs in the production image, where devDependencies are not installed.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'packages-not-to-app',
      severity: 'error',
      comment: 'Workspace packages are dev tooling the app uses, never the other way round.',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^(src|dev|test|bench|scripts)/' },
    },
    {
      name: 'packages-not-to-each-other-internals',
      severity: 'error',
      comment: 'A package reaches another only through its public entry.',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'app-tooling-through-public-entry',
      severity: 'error',
      comment: 'The dev stack, tests and benches use a package through its public entry only.',
      from: { path: '^(dev|test|bench|scripts)/' },
      to: { path: '^packages/', pathNot: '^packages/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'embedded-temporal-state-at-the-bottom',
      severity: 'error',
      comment:
        "The embedded service's state layer (runs, entities and their transitions) imports nothing above it (packages/embedded-temporal/README.md, Layout).",
      from: { path: '^packages/embedded-temporal/src/state/' },
      to: {
        path: '^packages/embedded-temporal/src/',
        pathNot:
          '^packages/embedded-temporal/src/(state/|clock|enums|errors|namespaces|proto|time|types)[.]ts$|^packages/embedded-temporal/src/(state|visibility)/',
      },
    },
    {
      name: 'embedded-temporal-areas-not-to-engine',
      severity: 'error',
      comment:
        'Areas of the embedded service get the effects they may cause (effects.ts), not the engine that builds them.',
      from: {
        path: '^packages/embedded-temporal/src/',
        pathNot: '^packages/embedded-temporal/src/(services/|server[.]ts$|engine[.]ts$)',
      },
      to: { path: '^packages/embedded-temporal/src/engine[.]ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: {
      path: '(^|/)(node_modules|dist|coverage|fixtures|[.]work|[.]build|[.]svelte-kit)/|^packages/temporal-ui/app/build/',
    },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
