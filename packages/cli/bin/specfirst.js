#!/usr/bin/env node
// Thin launcher so the bin exists before the first build; the command lives in dist/.
let main;
try {
  ({ main } = await import('../dist/main.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/main.js')) throw error;
  process.stderr.write(
    'specfirst: this checkout is not built yet; run `pnpm install` (or `pnpm build`) at the repository root\n',
  );
  process.exit(2);
}

process.exitCode = await main(process.argv.slice(2));
