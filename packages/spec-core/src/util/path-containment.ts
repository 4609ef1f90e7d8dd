/**
 * "Is this path inside that folder?", asked by the loader (spec files and `$ref`s must stay in the
 * project), the project settings (`spec`, `output`, `services`), `sync` (the output folder must not
 * hold the project) and the CLI's display of file names: one answer for all of them.
 */
import path from 'node:path';

/** The parts of `node:path` the check uses: `path` itself, or `path.win32` / `path.posix` to judge another platform's paths. */
export type PathFlavour = Pick<typeof path, 'relative' | 'isAbsolute' | 'sep'>;

/**
 * True when `target` is `folder` itself or lies anywhere below it. Both are resolved first (against
 * the current folder when relative), so `a/../..` and trailing slashes mean what they say, and
 * `..x` is an ordinary name: `/p/..x` is inside `/p`. A path on another root (another Windows
 * drive) is outside. Windows paths compare without regard to case, as Windows does.
 *
 * Paths are judged as written: symbolic links are not followed. A caller that must not let a link
 * lead out of the folder checks the real paths (`fs.realpathSync`) as well.
 */
export function isPathInside(folder: string, target: string, flavour: PathFlavour = path): boolean {
  const relative = flavour.relative(folder, target);
  return (
    relative === '' || (relative !== '..' && !relative.startsWith(`..${flavour.sep}`) && !flavour.isAbsolute(relative))
  );
}
