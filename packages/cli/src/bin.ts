#!/usr/bin/env node
import { CommanderError } from 'commander';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { buildProgram } from './program.js';

const readStdin = async () => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const program = buildProgram({
  out: (chunk) => process.stdout.write(chunk),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin,
  setExitCode: (code) => {
    process.exitCode = code;
  },
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badArgs;
  } else {
    process.stderr.write(`contro1: ${(error as Error).message}\n`);
    process.exitCode = exitCodeFor(error);
  }
}
