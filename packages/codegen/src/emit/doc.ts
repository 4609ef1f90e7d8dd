/**
 * A small pretty printer for generated code, after Wadler's "prettier printer" and Prettier's own
 * document model. Emitters describe code as a tree of text, groups, indentation and line breaks;
 * a group is printed on one line when it fits in {@link PRINT_WIDTH} columns and broken at its
 * lines otherwise. Indentation therefore follows structure, never hand-counted spaces, and the
 * output is what the repository's formatter (Prettier, `.prettierrc.json`) would write for it:
 * `packages/codegen/test/formatting.test.ts` checks that on every generated file of the fixtures.
 */

/** Prettier's `printWidth` in the repository's `.prettierrc.json`. */
export const PRINT_WIDTH = 120;

const INDENT = '  ';

export type Doc = string | readonly Doc[] | Group | Indent | Align | Line | IfBreak;

interface Group {
  readonly kind: 'group';
  readonly contents: Doc;
  /** Broken whatever its width: written broken by hand, or holding a hard line. */
  readonly shouldBreak: boolean;
}

interface Indent {
  readonly kind: 'indent';
  readonly contents: Doc;
}

interface Align {
  readonly kind: 'align';
  readonly by: string;
  readonly contents: Doc;
}

interface Line {
  readonly kind: 'line';
  /** Printed as nothing (soft) or as a space when its group is flat. */
  readonly soft: boolean;
  /** Always a newline; breaks every group around it. */
  readonly hard: boolean;
}

interface IfBreak {
  readonly kind: 'if-break';
  readonly broken: Doc;
  readonly flat: Doc;
}

/** A space when the group fits, a newline otherwise. */
export const line: Doc = { kind: 'line', soft: false, hard: false };
/** Nothing when the group fits, a newline otherwise. */
export const softline: Doc = { kind: 'line', soft: true, hard: false };
/** Always a newline. */
export const hardline: Doc = { kind: 'line', soft: false, hard: true };

export function group(contents: Doc, options: { shouldBreak?: boolean | undefined } = {}): Doc {
  const shouldBreak = options.shouldBreak === true || hasHardLine(contents);
  return { kind: 'group', contents, shouldBreak };
}

export function indent(contents: Doc): Doc {
  return { kind: 'indent', contents };
}

/** Indents by `n` spaces more, as Prettier aligns the members of a broken union. */
export function align(n: number, contents: Doc): Doc {
  return { kind: 'align', by: ' '.repeat(n), contents };
}

export function ifBreak(broken: Doc, flat: Doc = ''): Doc {
  return { kind: 'if-break', broken, flat };
}

export function join(separator: Doc, docs: readonly Doc[]): Doc[] {
  const out: Doc[] = [];
  docs.forEach((doc, i) => {
    if (i > 0) out.push(separator);
    out.push(doc);
  });
  return out;
}

/** Text that may hold newlines (a doc comment): each line is indented where it is printed. */
export function lines(text: string): Doc {
  return join(hardline, text.split('\n'));
}

/**
 * `(a: A, b: B)`, or one parameter per line with a trailing comma. Not a group of its own: Prettier
 * breaks a parameter list together with the return type after it, so the caller groups both.
 */
export function parameterList(items: readonly Doc[]): Doc {
  if (items.length === 0) return '()';
  return ['(', indent([softline, join([',', line], items)]), ifBreak(','), softline, ')'];
}

/**
 * `export function name(a: A, b: B): R { … }`, the parameters broken one per line when the
 * signature does not fit.
 */
export function functionDeclaration(
  head: string,
  params: readonly Doc[],
  returnType: string,
  statements: readonly Doc[],
): Doc {
  return [
    head,
    group([parameterList(params), ': ', returnType]),
    ' {',
    indent([hardline, join(hardline, statements)]),
    hardline,
    '}',
  ];
}

/** `f(a, b)`, or one argument per line with a trailing comma. */
export function call(callee: string, args: readonly Doc[]): Doc {
  return [callee, group(parameterList(args))];
}

/** `{ a, b }` on one line, or one member per line; `{}` when empty. Broken when `expanded`. */
export function objectLiteral(members: readonly Doc[], options: { expanded?: boolean } = {}): Doc {
  if (members.length === 0) return '{}';
  return group(['{', indent([line, join([',', line], members)]), ifBreak(','), line, '}'], {
    shouldBreak: options.expanded,
  });
}

/**
 * `[a, b]` on one line, or one item per line with a trailing comma. Like Prettier, always broken
 * when it holds two or more objects of two or more properties (`objectKeys`: each item's count).
 */
export function arrayLiteral(
  items: readonly Doc[],
  options: { expanded?: boolean; objectKeys?: readonly number[] } = {},
): Doc {
  if (items.length === 0) return '[]';
  const keys = options.objectKeys;
  const ofObjects = keys !== undefined && keys.length > 1 && keys.every((n) => n > 1);
  return group(['[', indent([softline, join([',', line], items)]), ifBreak(','), softline, ']'], {
    shouldBreak: options.expanded === true || ofObjects,
  });
}

function hasHardLine(doc: Doc): boolean {
  if (typeof doc === 'string') return false;
  if (isArray(doc)) return doc.some(hasHardLine);
  switch (doc.kind) {
    case 'line':
      return doc.hard;
    case 'group':
      return doc.shouldBreak;
    case 'indent':
    case 'align':
      return hasHardLine(doc.contents);
    case 'if-break':
      return hasHardLine(doc.broken);
  }
}

function isArray(doc: Doc): doc is readonly Doc[] {
  return Array.isArray(doc);
}

type Mode = 'flat' | 'break';
interface Command {
  indentation: string;
  mode: Mode;
  doc: Doc;
}

/** Prints a document; every line ends without trailing spaces, and the text with one newline. */
export function print(doc: Doc, width = PRINT_WIDTH): string {
  const out: string[] = [];
  let column = 0;
  const stack: Command[] = [{ indentation: '', mode: 'break', doc }];
  while (stack.length > 0) {
    const { indentation, mode, doc: current } = stack.pop()!;
    if (typeof current === 'string') {
      out.push(current);
      column += current.length;
    } else if (isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ indentation, mode, doc: current[i]! });
    } else {
      switch (current.kind) {
        case 'indent':
          stack.push({ indentation: indentation + INDENT, mode, doc: current.contents });
          break;
        case 'align':
          stack.push({ indentation: indentation + current.by, mode, doc: current.contents });
          break;
        case 'group': {
          const flat =
            !current.shouldBreak && fits({ indentation, mode: 'flat', doc: current.contents }, stack, width - column);
          stack.push({ indentation, mode: flat ? 'flat' : 'break', doc: current.contents });
          break;
        }
        case 'if-break':
          stack.push({ indentation, mode, doc: mode === 'break' ? current.broken : current.flat });
          break;
        case 'line':
          if (mode === 'flat' && !current.hard) {
            if (!current.soft) {
              out.push(' ');
              column += 1;
            }
          } else {
            trimTrailingSpaces(out);
            out.push('\n' + indentation);
            column = indentation.length;
          }
          break;
      }
    }
  }
  trimTrailingSpaces(out);
  return out.join('').replace(/\n+$/, '') + '\n';
}

/** Whether `next` fits in `room` columns, flat, together with what follows it up to the next line break. */
function fits(next: Command, rest: readonly Command[], room: number): boolean {
  const commands: Command[] = [next];
  let restIndex = rest.length;
  while (room >= 0) {
    if (commands.length === 0) {
      if (restIndex === 0) return true;
      commands.push(rest[--restIndex]!);
      continue;
    }
    const { indentation, mode, doc } = commands.pop()!;
    if (typeof doc === 'string') {
      room -= doc.length;
    } else if (isArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) commands.push({ indentation, mode, doc: doc[i]! });
    } else {
      switch (doc.kind) {
        case 'indent':
        case 'align':
          commands.push({ indentation, mode, doc: doc.contents });
          break;
        case 'group':
          commands.push({ indentation, mode: doc.shouldBreak ? 'break' : mode, doc: doc.contents });
          break;
        case 'if-break':
          commands.push({ indentation, mode, doc: mode === 'break' ? doc.broken : doc.flat });
          break;
        case 'line':
          if (mode === 'break' || doc.hard) return true;
          if (!doc.soft) room -= 1;
          break;
      }
    }
  }
  return false;
}

function trimTrailingSpaces(out: string[]): void {
  while (out.length > 0) {
    const trimmed = out.pop()!.replace(/[ \t]+$/, '');
    if (trimmed !== '') {
      out.push(trimmed);
      return;
    }
  }
}
