/**
 * Module boundaries, checked in CI. A module may use the platform and other modules' published
 * `contracts/` only; the platform knows no module; entrypoints wire modules through their index;
 * production code never imports test code (test/: harnesses, kits, conformance suites, faults).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-reaching-into-other-modules',
      comment: 'Talk to another module through its contracts/ (events, HTTP shapes), never its internals.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/contracts/'] },
    },
    {
      name: 'platform-knows-no-module',
      comment: 'platform/ is the shared kernel: no domain words, no module imports.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'entrypoints-use-module-index',
      comment: 'Entrypoints compose modules through what index.ts exports.',
      severity: 'error',
      from: { path: '^src/entrypoints/' },
      to: { path: '^src/modules/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'production-imports-no-test-code',
      comment: 'Tests depend on production code, never the other way: kits, harnesses and suites live in test/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^test/', '\\.test\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
