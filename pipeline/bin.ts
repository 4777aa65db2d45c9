#!/usr/bin/env node
// The `zhclean` executable: everything is in cli.ts, which tests call directly.
import { main } from './cli.js';

// A reader that stops early (`zhclean stages | head -1`, `zhclean run - | head`) closes the
// pipe: that is the reader's choice, not an error, and must not end in a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
