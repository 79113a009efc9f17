/**
 * Module boundaries, checked in CI. A module may use the platform and other modules' published
 * `contracts/` only; the platform knows no module; entrypoints wire modules through their index.
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
