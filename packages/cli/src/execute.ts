import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

export interface ExecutionResult {
  exitCode: number;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  outputBytes: number;
  /** sha256 of the first `maxHashedBytes` of combined output: evidence without storing the output. */
  outputSha256: string;
}

/**
 * Runs a command (argv, no shell unless `shell`), streaming its output to `sink` while hashing it. A timeout sends
 * SIGTERM, then SIGKILL two seconds later, and is reported as `timedOut`.
 */
export function execute(
  command: string[],
  options: {
    cwd: string;
    timeoutMs?: number;
    shell?: boolean;
    sink?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
    maxHashedBytes?: number;
  },
): Promise<ExecutionResult> {
  const started = Date.now();
  const hash = createHash('sha256');
  const max = options.maxHashedBytes ?? 1024 * 1024;
  let bytes = 0;
  return new Promise((resolve) => {
    const [file, ...args] = options.shell ? ['/bin/sh', '-c', command.join(' ')] : command;
    // Its own process group, so a timeout ends the whole tree (a shell's children keep the pipes open otherwise).
    const child = spawn(file as string, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const killTree = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killTree('SIGTERM');
          killer = setTimeout(() => killTree('SIGKILL'), 2_000);
        }, options.timeoutMs)
      : undefined;
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (bytes < max) hash.update(chunk.subarray(0, max - bytes));
      bytes += chunk.length;
      options.sink?.(chunk, stream);
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    let done = false;
    const finish = (exitCode: number, signal: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({
        exitCode,
        signal,
        timedOut,
        durationMs: Date.now() - started,
        outputBytes: bytes,
        outputSha256: hash.digest('hex'),
      });
    };
    child.on('error', () => finish(127, null));
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1), signal));
  });
}
