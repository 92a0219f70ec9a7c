// Dependency rules: the outer ring depends inward only. Capabilities (the domain's folders) and
// shared/ know neither NestJS nor any store or transport; the read side never reaches into a
// concrete store; nothing depends on itself in a circle.
const capabilities = '^src/(applications|notices|decisions|awards|budgets|enterprises|disbursements|clawbacks|programmes|events)/';
const outerRing = '^src/(event-store|http|cli|projections|health|auth|synthetic|console)/|^src/(app[.]module|bootstrap|main|config)[.]ts$';
const frameworksAndStores = '(^|node_modules/)(@nestjs|better-sqlite3|pg|@kurrent|fastify|@fastify|helmet|jose|nest-commander|prom-client)(/|$)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A circle of imports makes the layers unreadable and the load order fragile.', from: {}, to: { circular: true } },
    {
      name: 'capabilities-know-no-framework-or-store',
      severity: 'error',
      comment: 'Deciders and use cases are plain TypeScript: no NestJS, no store adapter, no HTTP, no CLI.',
      from: { path: capabilities },
      to: { path: [outerRing, frameworksAndStores].join('|') },
    },
    {
      name: 'capabilities-reach-only-the-use-case-shape',
      severity: 'error',
      comment: 'Of the command machinery, a capability sees only the shape of a use case.',
      from: { path: capabilities },
      to: { path: '^src/commands/', pathNot: '^src/commands/use-case[.]ts$' },
    },
    {
      name: 'shared-depends-on-nothing-of-the-ledger',
      severity: 'error',
      comment: 'shared/ holds money, time, ids, errors and assertions: it imports only itself.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'projections-do-not-reach-into-concrete-stores',
      severity: 'error',
      comment: 'The read side talks to the store through the port; the composition root hands it what it needs.',
      from: { path: '^src/projections/' },
      to: { path: '^src/event-store/(sqlite|postgres|kurrentdb)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
