#!/usr/bin/env node
// The `zhclean` executable: everything is in cli.ts, which tests call directly.
import { setFlagsFromString } from 'node:v8';

// V8's optimising compiler inlines callees into a hot function up to a budget of bytecode;
// the stages' hot functions reach it, and compiling them took 1.3-1.6 s of CPU time on
// V8's helper threads in a run of the 40 MB bench corpus (a quarter of the run). Half the
// budget took 0.3-0.9 s off that run's first pass and left the speed of compiled code as it
// was (test/eval/warm.mjs: a second and third pass took as long). Set before any of the
// pipeline's code is loaded (hence the import below), for this process and its workers.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=460');
const { main } = await import('./cli.js');
const { discardTemporaryFiles } = await import('./output.js');

// Ctrl-C or a TERM from a job scheduler: the temporary files of corpus.jsonl, index.html and
// the page's rows go, then the signal's own action (the exit status says which signal).
// Documents written so far stay, for --resume.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    discardTemporaryFiles();
    process.kill(process.pid, signal);
  });
}

// A reader that stops early (`zhclean stages | head -1`, `zhclean run - | head`) closes the
// pipe: that is the reader's choice, not an error, and must not end in a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
