// Runs on `git commit` through .husky/pre-commit. Each task gets only the staged files.
const isSpecFile = (file) => /(^|\/)(specfirst\.yaml|spec\/.+\.ya?ml)$/.test(file);
// The invalid fixtures are broken on purpose; their own test checks them.
const isDeliberatelyBroken = (file) => file.includes('/fixtures/invalid/');

export default {
  '*.{ts,mts,cts,js,mjs,cjs}': 'eslint --max-warnings=0 --no-warn-ignored',
  '*.{yaml,yml}': (files) => {
    const specs = files.filter((f) => isSpecFile(f) && !isDeliberatelyBroken(f));
    return specs.length > 0 ? [`specfirst check ${specs.map((f) => JSON.stringify(f)).join(' ')}`] : [];
  },
};
