import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { canonicalHash } from '@contro1/core';

const exec = promisify(execFile);

export interface CommandContext {
  command: string[];
  cwd: string;
  git_branch: string | null;
  git_commit: string | null;
  /** sha256 of the canonical {command, cwd}: what the approval is bound to. */
  command_sha256: string;
}

async function git(cwd: string, ...args: string[]): Promise<string | null> {
  try {
    return (await exec('git', args, { cwd, timeout: 5_000 })).stdout.trim() || null;
  } catch {
    return null;
  }
}

export const commandHash = (command: readonly string[], cwd: string) => canonicalHash({ command, cwd });

/** The exact command, where it runs, and the git position of that directory. */
export async function describeCommand(command: string[], cwd: string): Promise<CommandContext> {
  const [branch, commit] = await Promise.all([
    git(cwd, 'rev-parse', '--abbrev-ref', 'HEAD'),
    git(cwd, 'rev-parse', 'HEAD'),
  ]);
  return { command, cwd, git_branch: branch, git_commit: commit, command_sha256: commandHash(command, cwd) };
}
