/** Types of packages.mjs, for the test that imports it. */
export declare const ROOT: string;

export interface WorkspacePackage {
  name: string;
  version: string;
  /** Absolute path of the package's folder. */
  dir: string;
}

export interface PackedPackage extends WorkspacePackage {
  /** Absolute path of the tarball `pnpm pack` wrote. */
  tarball: string;
  /** Size of the tarball. */
  bytes: number;
  /** Sum of the sizes of the files in it. */
  unpackedBytes: number;
  /** Absolute path of the unpacked tarball's `package/` folder. */
  root: string;
  /** Every file in the tarball, relative to `package/`, `/`-separated, sorted. */
  files: string[];
  /** The package.json as packed (workspace: ranges replaced). */
  manifest: Record<string, unknown>;
}

export declare function publishedPackages(): Promise<WorkspacePackage[]>;
export declare function packPackage(dir: string, into: string, env?: NodeJS.ProcessEnv): Promise<string>;
export declare function packAll(dest: string): Promise<PackedPackage[]>;
