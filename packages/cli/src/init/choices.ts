/**
 * The choices of `specfirst init`, from options, prompts and defaults. Names (project, service)
 * are not checked here: spec-core checks them when it loads the new spec, with its own rules and
 * messages. What is checked here is only what spec-core cannot see or what could otherwise reach a
 * file unchecked: that a port is a number at all, and that a description is one plain line.
 */
import path from 'node:path';
import { toFileName } from '@specfirst/spec-core';
import type { PackageManager } from './dependencies.js';
import type { Prompter } from './prompt.js';

export interface InitOptions {
  name?: string;
  service?: string;
  port?: string;
  description?: string;
  packageManager?: PackageManager;
  install: boolean;
  git: boolean;
  yes: boolean;
  /** `json`: one JSON object on stdout at the end (what was made, each step and how it went); the rest on stderr. */
  format?: 'text' | 'json';
}

export interface Choices {
  name: string;
  service: string;
  port: number;
  description: string;
  manager: PackageManager;
}

export const DEFAULT_SERVICE = 'api';
export const DEFAULT_PORT = 3000;
export const DEFAULT_DESCRIPTION = 'Notes, kept in memory: a SpecFirst starter.';
const MAX_DESCRIPTION = 200;
/** npm refuses longer package names; the project name is also the package name. */
const MAX_NAME = 214;

/** What spec-core itself would name a project in this folder (docs/spec-format.md, `name`). */
export function defaultName(root: string): string {
  return toFileName(path.basename(root)) || 'project';
}

/** The package manager that runs this command (`pnpm exec specfirst`, `npx specfirst`), else pnpm. */
export function defaultManager(userAgent = process.env.npm_config_user_agent ?? ''): PackageManager {
  return userAgent.startsWith('npm/') ? 'npm' : 'pnpm';
}

export class ChoiceError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function parsePort(text: string): number {
  // Syntax only: the range (1 to 65535) is spec-core's rule, reported when it loads the spec.
  if (!/^[0-9]{1,6}$/.test(text))
    throw new ChoiceError(
      `--port must be a number, not ${JSON.stringify(text)}`,
      'give the port the service listens on, e.g. --port 3000',
    );
  return Number(text);
}

/** A description becomes a YAML string, a package.json field and doc comments: one line of plain text. */
function checkDescription(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text)) {
    throw new ChoiceError(
      '--description must be one line of text, without control characters',
      'describe the service in one sentence',
    );
  }
  if (text.trim() === '' || text.length > MAX_DESCRIPTION) {
    throw new ChoiceError(
      `--description must be 1 to ${MAX_DESCRIPTION} characters long`,
      'describe the service in one sentence',
    );
  }
  return text.trim();
}

function checkName(text: string): string {
  if (text.length > MAX_NAME)
    throw new ChoiceError(
      `--name must be at most ${MAX_NAME} characters long (npm's limit for a package name)`,
      'choose a shorter project name',
    );
  return text;
}

/** Checks the options given, before anything else happens, so a typo costs no prompts. */
export function checkOptions(options: InitOptions): void {
  if (options.port !== undefined) parsePort(options.port);
  if (options.description !== undefined) checkDescription(options.description);
  if (options.name !== undefined) checkName(options.name);
}

/** Fills in every choice: from the options, else by asking (when a prompter is given), else the default. */
export async function resolveChoices(
  root: string,
  options: InitOptions,
  prompter: Prompter | undefined,
): Promise<Choices> {
  const pick = async (given: string | undefined, question: string, fallback: string): Promise<string> =>
    given ?? (prompter ? prompter.ask(question, fallback) : fallback);
  const name = checkName(await pick(options.name, 'Project name', defaultName(root)));
  const service = await pick(options.service, 'Service name (kebab-case)', DEFAULT_SERVICE);
  const port = parsePort(await pick(options.port, `Port of ${service}`, String(DEFAULT_PORT)));
  const description = checkDescription(options.description ?? DEFAULT_DESCRIPTION);
  return { name, service, port, description, manager: options.packageManager ?? defaultManager() };
}
