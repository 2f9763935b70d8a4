// Import rules for src/ (npm run check:imports): no cycle between folders, and the texts stay a leaf.
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Two folders that need each other share a piece that belongs in a third, lower one.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
    {
      name: 'copy-is-a-leaf',
      comment: 'The texts (src/copy/) import nothing above them: each other, language.ts, and libraries.',
      severity: 'error',
      from: { path: '^src/copy/' },
      to: { path: '^src/', pathNot: '^src/(copy/|language[.]ts$)' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
}
