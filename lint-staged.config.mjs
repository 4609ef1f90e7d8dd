// Runs on `git commit` through .husky/pre-commit. Each task gets only the staged files.
const isSpecFile = (file) => /(^|\/)(specfirst\.yaml|spec\/.+\.ya?ml)$/.test(file);
// The invalid fixtures are broken on purpose; their own test checks them.
const isDeliberatelyBroken = (file) => file.includes('/fixtures/invalid/');

export default {
  // Prettier first (it writes, and lint-staged stages what it wrote), then ESLint on the result.
  '*.{ts,mts,cts,js,mjs,cjs}': ['prettier --write', 'eslint --max-warnings=0 --no-warn-ignored'],
  '*.{yaml,yml}': (files) => {
    const specs = files.filter((f) => isSpecFile(f) && !isDeliberatelyBroken(f));
    return specs.length > 0 ? [`specfirst check ${specs.map((f) => JSON.stringify(f)).join(' ')}`] : [];
  },
};
