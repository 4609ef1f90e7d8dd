/**
 * Where `specfirst init` may write, and how. The target folder must be new or empty (a lone `.git`
 * is allowed: a freshly cloned empty repository). Every file is written to a temporary name next
 * to it and renamed into place, so no reader sees half a file; a path that is not plain and
 * relative, or a folder on the way that is a symbolic link, is refused, so nothing lands outside
 * the folder. Until the project is complete, `rollback()` removes everything init created.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A file of the new project: `path` is relative to its root, `/`-separated. */
export interface InitFile {
  path: string;
  /** Text, or bytes (the packed packages a project installs from). */
  contents: string | Uint8Array;
  /** File mode (before the umask); default 0o666. */
  mode?: number;
}

export interface TargetProblem {
  message: string;
  hint: string;
}

export interface TargetState {
  /** The folder does not exist yet. */
  missing: boolean;
  /** It holds a `.git` (and nothing else). */
  hasGit: boolean;
}

/** Whether a project can be created at `root`, without changing anything. */
export async function inspectTarget(root: string, shown: string): Promise<TargetState | TargetProblem> {
  let stats;
  try {
    // Follows a symbolic link: a link to an empty folder is a fine place for a project.
    stats = await stat(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true, hasGit: false };
    throw error;
  }
  if (!stats.isDirectory())
    return { message: `${shown} exists and is not a folder`, hint: 'choose another name for the project folder' };
  const entries = (await readdir(root)).sort();
  const others = entries.filter((entry) => entry !== '.git');
  if (others.length > 0) {
    const listed = others.slice(0, 5).join(', ') + (others.length > 5 ? `, and ${others.length - 5} more` : '');
    return {
      message: `${shown} is not empty (it holds ${listed})`,
      hint: 'create the project in a new folder (`specfirst init my-api`), or empty this one first; init never overwrites files',
    };
  }
  return { missing: false, hasGit: entries.includes('.git') };
}

/** A plain relative path: no empty, `.` or `..` segment, no backslash or NUL, not absolute. */
function isPlainRelative(file: string): boolean {
  if (path.posix.isAbsolute(file) || path.win32.isAbsolute(file)) return false;
  return file
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..' && !/[\\\0]/.test(segment));
}

export class ProjectWriter {
  /** Top-level entries this writer created, for rollback. */
  readonly #created = new Set<string>();
  /** The outermost folder `mkdir` created for the root, if it did not exist. */
  #createdRoot: string | undefined;

  private constructor(readonly root: string) {}

  /** Creates the root folder if needed. */
  static async open(root: string): Promise<ProjectWriter> {
    const writer = new ProjectWriter(root);
    writer.#createdRoot = await mkdir(root, { recursive: true });
    return writer;
  }

  async write(file: InitFile): Promise<void> {
    if (!isPlainRelative(file.path))
      throw new Error(`refusing to write \`${file.path}\`: not a plain path inside the project`);
    const segments = file.path.split('/');
    this.#created.add(segments[0]!);
    let folder = this.root;
    for (const segment of segments.slice(0, -1)) {
      folder = path.join(folder, segment);
      try {
        if (!(await lstat(folder)).isDirectory())
          throw new Error(
            `refusing to write \`${file.path}\`: \`${path.relative(this.root, folder)}\` is not a folder`,
          );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await mkdir(folder);
      }
    }
    const target = path.join(folder, segments.at(-1)!);
    const temp = path.join(folder, `.${segments.at(-1)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    // `wx`: never write through a file (or link) that is already there.
    await writeFile(temp, file.contents, { flag: 'wx', mode: file.mode ?? 0o666 });
    try {
      if (await exists(target))
        throw new Error(`refusing to overwrite \`${file.path}\`, which appeared while init was running`);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async writeAll(files: readonly InitFile[]): Promise<void> {
    for (const file of files) await this.write(file);
  }

  /** Removes what this writer created: its top-level entries, then the root if init made it. */
  async rollback(): Promise<void> {
    for (const entry of this.#created) await rm(path.join(this.root, entry), { recursive: true, force: true });
    if (this.#createdRoot === undefined) return;
    // From the root up to the outermost folder mkdir created; rmdir refuses a folder that is not empty.
    for (let folder = this.root; ; folder = path.dirname(folder)) {
      try {
        await rmdir(folder);
      } catch {
        return;
      }
      if (folder === this.#createdRoot || path.dirname(folder) === folder) return;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
