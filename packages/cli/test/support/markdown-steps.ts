/**
 * Reads a Markdown tutorial as steps a test can run. Every fenced `sh` block is run, line by
 * line, in one shell session (so `cd` and `export` carry on, as they do for a reader), and an HTML
 * comment just before a block (invisible once rendered) says what else to do with it:
 *
 *     <!-- tutorial: fails with "no-adhoc-schema" -->             the command must fail, saying this
 *     <!-- tutorial: prints "\"done\":true" -->                   the command must succeed, saying this
 *     <!-- tutorial: background until "listening on" -->         start it, go on once it printed this
 *     <!-- tutorial: background prints "a" then "b" -->          what runs in the background prints these,
 *                                                                  in order, after the last file edit (a listing)
 *     <!-- tutorial: write path/to/file.ts -->                    the block is the file's whole content
 *     <!-- tutorial: insert into path/to/file before "  x:" -->  the block goes before that line
 *     <!-- tutorial: insert into path/to/file after "  x:" -->   ... or after it
 *
 * Paths are relative to the shell's current folder. `before`/`after` take the first line equal to
 * the quoted text; `before last "..."` takes the last. A block of another language without a
 * comment is only shown (a listing, an output).
 */
export type Step =
  | { kind: 'run'; line: number; commands: string[]; fails?: string; prints?: string }
  | { kind: 'background'; line: number; command: string; until: string }
  | { kind: 'await'; line: number; texts: string[] }
  | { kind: 'write'; line: number; path: string; contents: string }
  | {
      kind: 'insert';
      line: number;
      path: string;
      contents: string;
      where: 'before' | 'after';
      last: boolean;
      anchor: string;
    };

const FENCE = /^(```+)\s*([\w-]*)/;
const DIRECTIVE = /^<!--\s*tutorial:\s*(.*?)\s*-->$/;

export function tutorialSteps(markdown: string): Step[] {
  const lines = markdown.split('\n');
  const steps: Step[] = [];
  let directive: { text: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    const comment = DIRECTIVE.exec(text);
    if (comment) {
      directive = { text: comment[1]!, line: i + 1 };
      continue;
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (text !== '') directive = undefined; // a directive applies to the very next block only
      continue;
    }
    const [, ticks, language] = fence;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== ticks; i++) body.push(lines[i]!);
    const given = directive;
    directive = undefined;
    if (given) steps.push(stepFor(given, body, start));
    else if (language === 'sh') steps.push({ kind: 'run', line: start, commands: commandsOf(body) });
  }
  return steps;
}

/** The commands of a shell block: comments and blank lines dropped, `\` continuations joined. */
export function commandsOf(body: readonly string[]): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const raw of body) {
    const line = pending === '' ? raw.trim() : raw;
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    commands.push(`${pending}${line}`.trim());
    pending = '';
  }
  return commands;
}

function stepFor(directive: { text: string; line: number }, body: string[], line: number): Step {
  const contents = `${body.join('\n')}\n`;
  const write = /^write\s+(\S+)$/.exec(directive.text);
  if (write) return { kind: 'write', line, path: write[1]!, contents };
  const insert = /^insert into\s+(\S+)\s+(before|after)(\s+last)?\s+"(.*)"$/.exec(directive.text);
  if (insert)
    return {
      kind: 'insert',
      line,
      path: insert[1]!,
      contents,
      where: insert[2] as 'before' | 'after',
      last: insert[3] !== undefined,
      anchor: insert[4]!,
    };
  const fails = /^fails with "(.+)"$/.exec(directive.text);
  if (fails) return { kind: 'run', line, commands: commandsOf(body), fails: fails[1]! };
  const prints = /^prints "(.+)"$/.exec(directive.text);
  if (prints) return { kind: 'run', line, commands: commandsOf(body), prints: prints[1]!.replaceAll('\\"', '"') };
  const awaited = /^background prints ("[^"]+"(?: then "[^"]+")*)$/.exec(directive.text);
  if (awaited) return { kind: 'await', line, texts: [...awaited[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) };
  const background = /^background until "(.+)"$/.exec(directive.text);
  if (background) {
    const commands = commandsOf(body);
    if (commands.length !== 1) throw new Error(`line ${directive.line}: a background block holds exactly one command`);
    return { kind: 'background', line, command: commands[0]!, until: background[1]! };
  }
  throw new Error(`line ${directive.line}: unknown tutorial directive \`${directive.text}\``);
}

/** `contents` placed before or after the anchor line of `text`; throws when the anchor is missing. */
export function insertAt(text: string, step: Extract<Step, { kind: 'insert' }>): string {
  const lines = text.split('\n');
  const index = step.last ? lines.lastIndexOf(step.anchor) : lines.indexOf(step.anchor);
  if (index === -1) throw new Error(`${step.path} has no line "${step.anchor}" to insert ${step.where}`);
  const at = step.where === 'before' ? index : index + 1;
  const added = step.contents.replace(/\n$/, '').split('\n');
  return [...lines.slice(0, at), ...added, ...lines.slice(at)].join('\n');
}
