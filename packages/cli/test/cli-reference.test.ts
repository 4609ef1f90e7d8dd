import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELP_WIDTH, REFERENCE_FILE, REGENERATE, renderCliReference } from '../../../scripts/lib/cli-reference.mjs';
import { buildProgram } from '../src/main.js';

/**
 * docs/cli-reference.md is generated from the CLI's help (scripts/cli-reference.mjs). Rendered here
 * from the sources, so a command added or changed without regenerating the page fails this test.
 */
describe('docs/cli-reference.md', () => {
  it('is what the CLI says about itself', () => {
    const expected = renderCliReference(buildProgram);
    expect(readFileSync(REFERENCE_FILE, 'utf8'), `docs/cli-reference.md is out of date: run \`${REGENERATE}\``).toBe(
      expected,
    );
  });

  it('documents every command, each with its --help', () => {
    const page = renderCliReference(buildProgram);
    const program = buildProgram(
      { stdout: () => undefined, stderr: () => undefined, colors: undefined as never, isTTY: false },
      () => undefined,
    );
    for (const command of program.commands) {
      expect(page).toContain(`- [\`specfirst ${command.name()}\`](#specfirst-${command.name()})`);
      expect(page).toContain(`## \`specfirst ${command.name()}\`\n\n\`\`\`text\nUsage: specfirst ${command.name()} `);
    }
  });

  it('agrees with every help text that docs/cli.md quotes', () => {
    const page = renderCliReference(buildProgram);
    const cliPage = readFileSync(REFERENCE_FILE.replace(/cli-reference\.md$/, 'cli.md'), 'utf8');
    const quoted = [...cliPage.matchAll(/```text\n(Usage: specfirst[\s\S]*?)\n```/g)].map((m) => m[1]!);
    expect(quoted.length).toBeGreaterThan(5);
    for (const help of quoted) {
      expect(page, `docs/cli.md quotes a help text the CLI no longer prints:\n${help.split('\n')[0]}`).toContain(
        `\`\`\`text\n${help}\n\`\`\``,
      );
    }
  });

  it('does not depend on the terminal it is made in', () => {
    const page = renderCliReference(buildProgram);
    const { isTTY, columns } = process.stdout;
    const columnsEnv = process.env.COLUMNS;
    try {
      Object.assign(process.stdout, { isTTY: true, columns: 37 });
      process.env.COLUMNS = '37';
      expect(renderCliReference(buildProgram)).toBe(page);
    } finally {
      Object.assign(process.stdout, { isTTY, columns });
      if (columnsEnv === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = columnsEnv;
    }
    const longest = Math.max(
      ...page
        .split('```text')
        .slice(1)
        .flatMap((block) => block.split('```')[0]!.split('\n'))
        .map((line) => line.length),
    );
    expect(longest).toBeLessThanOrEqual(HELP_WIDTH);
  });
});
