// The zhclean command line. Exit status: 0 every input was read, 1 some input
// could not be (the rest is still cleaned and the summary names each failure),
// 2 a usage error (nothing is run).

import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfigFile, resolveStages, type PipelineConfig } from './config.js';
import { formatExplain } from './explain.js';
import { expandInputs, isFailure, readSourceFile } from './inputs.js';
import { IdAllocator } from './ids.js';
import { packageVersion } from './paths.js';
import { createPipeline } from './pipeline.js';
import { ProgressBar } from './progress.js';
import { runCorpus } from './run.js';
import { STAGES } from '../stages/index.js';

/** Most worker threads by default: more cannot go faster than the main thread (see defaultWorkers). */
export const MAX_DEFAULT_WORKERS = 4;

class UsageError extends Error {}

const MAIN_HELP = `zhclean — clean scraped Chinese text into a corpus

Usage:
  zhclean run [inputs...] [options]     clean files, folders or globs (default: seeds)
  zhclean run - [options] < in.jsonl    clean JSONL from stdin, write cleaned JSONL to stdout
  zhclean explain <file> [options]      show what each stage does to one document
  zhclean stages                        list the stages in the order they run
  zhclean help [command]                show help

Options:
  -h, --help       show help
  -v, --version    print the version

Run 'zhclean <command> --help' for the options of a command.`;

const RUN_HELP = `Usage: zhclean run [inputs...] [options]

Cleans every document of the inputs and writes, for each, its cleaned text and
a report. Inputs are files, folders (every .txt and .jsonl below them) or glob
patterns (quote them). A .txt file is one document; a .jsonl file holds one
document a line: {"text": "...", "id": "...", ...other fields kept as meta}.
With '-' as the only input, JSONL is read from stdin and the kept documents are
written to stdout as JSONL ({id, text, meta, quality}); no files are written
unless --out or --reports is given.

Options:
  --out DIR           cleaned text: DIR/<id>.txt, DIR/rejected/<id>.txt, DIR/corpus.jsonl
                      (default: output)
  --reports DIR       DIR/<id>.json, DIR/summary.json, DIR/index.html (default: reports)
  --workers N         worker threads that clean and write documents; 0: the main thread (default:
                      one fewer than the cores from three cores up, at most ${MAX_DEFAULT_WORKERS}, else 0;
                      here ${defaultWorkers()})
  --stages a,b,c      run only these stages (in the pipeline's order); see 'zhclean stages'
  --config FILE       JSON: {"stages": [...], "options": {"<stage>": {...}}}
  --resume            continue an interrupted run into the same --out and --reports:
                      documents it finished are not cleaned again
  --quiet             no progress bar and no failure lines on stderr
  --debug             show stack traces for internal errors
  -h, --help          show this help

Exit status: 0 every input was read; 1 some input could not be read (the others
are cleaned, and reports/summary.json names each failure); 2 usage error.`;

const EXPLAIN_HELP = `Usage: zhclean explain <file> [options]

Cleans one file (a .txt document, or every document of a .jsonl file) without
writing anything, and prints each stage's findings: rule, action, line, what
was there and what replaced it, and why. Then the cleaned text.

Options:
  --stages a,b,c      run only these stages
  --config FILE       pipeline configuration (see 'zhclean run --help')
  --color / --no-color  force or suppress colours (default: when stdout is a terminal)
  -h, --help          show this help`;

const STAGES_HELP = `Usage: zhclean stages

Lists the stages in the order they run, with their default options.`;

function pipelineConfig(values: { stages?: string; config?: string }): PipelineConfig {
  let config: PipelineConfig = {};
  if (values.config !== undefined) config = loadConfigFile(values.config);
  if (values.stages !== undefined) {
    const names = values.stages.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new UsageError('--stages needs at least one stage name');
    config = { ...config, stages: names };
  }
  resolveStages(config); // report unknown stages and options now, as usage errors
  return config;
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Worker threads by default for this many cores. The main thread makes the corpus decisions
 * in input order, so it keeps a core busy: with three cores or more, one worker per
 * remaining core, up to MAX_DEFAULT_WORKERS.
 *
 * The cap: the main thread's share is the ceiling of a run. Measured per 40 MB of the
 * benchmark (two runs each of `--workers 1` and `2`; thread CPU from
 * test/eval/thread-cpu.cjs): the main thread took 1.4-1.8 s with workers (1.8 s when it
 * cleans the copies again itself), and the worker thread 5.4-5.5 s with one worker (each
 * worker compiles the stages anew). So three or four workers keep the main thread busy,
 * and each one past that adds only its memory (about 80 MB of peak RSS) and its
 * compiling. `--workers N` sets any number.
 *
 * With two cores, the pool costs more than it gives (40 MB, two runs each: the main thread
 * alone 5.9-6.0 s wall and 7.3-7.4 s CPU; two workers 6.2-6.4 s and 11.3-11.7 s), every
 * thread compiling the stages anew, so everything stays on the main thread.
 */
export function defaultWorkers(cores = availableParallelism()): number {
  return cores <= 2 ? 0 : Math.min(cores - 1, MAX_DEFAULT_WORKERS);
}

async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    reports: { type: 'string' },
    workers: { type: 'string' },
    stages: { type: 'string' },
    config: { type: 'string' },
    quiet: { type: 'boolean' },
    resume: { type: 'boolean' },
    debug: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${RUN_HELP}\n`);
    return 0;
  }
  const v = values as Record<string, string | boolean | undefined>;
  const inputs = positionals.length > 0 ? positionals : ['seeds'];
  const stdinMode = inputs.includes('-');
  if (stdinMode && inputs.length > 1) throw new UsageError("'-' (stdin) must be the only input");
  const workers = v.workers === undefined ? defaultWorkers() : Number(v.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 256) {
    throw new UsageError(`--workers must be a whole number from 0 to 256, got ${JSON.stringify(v.workers)}`);
  }
  const config = pipelineConfig({ stages: v.stages as string | undefined, config: v.config as string | undefined });
  const out = (v.out as string | undefined) ?? (stdinMode ? undefined : 'output');
  const reports = (v.reports as string | undefined) ?? (stdinMode ? undefined : 'reports');
  for (const [flag, dir] of [['--out', out], ['--reports', reports]] as const) {
    if (dir === '') throw new UsageError(`${flag} needs a folder`);
  }
  const quiet = Boolean(v.quiet);
  const resume = Boolean(v.resume);
  if (resume && (stdinMode || reports === undefined)) throw new UsageError('--resume needs the --reports folder of the interrupted run (not stdin mode)');
  const bar = new ProgressBar();
  const summary = await runCorpus({
    inputs,
    ...(out !== undefined ? { out } : {}),
    ...(reports !== undefined ? { reports } : {}),
    workers,
    config,
    resume,
    stdin: process.stdin,
    stdout: process.stdout,
    onDocument: (p) => {
      if (!quiet) bar.update(p);
    },
    onFailure: (f) => {
      if (quiet) return;
      bar.clear();
      process.stderr.write(`zhclean: ${f.source}${f.line !== undefined ? `:${f.line}` : ''}: ${f.reason}\n`);
    },
  });
  bar.clear();
  if (!quiet && process.stderr.isTTY) {
    const d = summary.documents;
    process.stderr.write(
      `zhclean: ${d.total} documents (${d.kept} kept, ${d.rejected} rejected), ${summary.failed} failed, ` +
        `${(summary.ms / 1000).toFixed(2)} s${reports ? `; report: ${reports}/index.html` : ''}\n`,
    );
  }
  return summary.failed > 0 ? 1 : 0;
}

async function cmdExplain(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    stages: { type: 'string' },
    config: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    debug: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${EXPLAIN_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('explain takes exactly one file');
  const v = values as Record<string, string | boolean | undefined>;
  const config = pipelineConfig({ stages: v.stages as string | undefined, config: v.config as string | undefined });
  const color = v['no-color'] ? false : v.color ? true : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const { files, failures } = await expandInputs(positionals);
  const pipeline = createPipeline(config);
  const ids = new IdAllocator();
  let failed = failures.length;
  for (const f of failures) process.stderr.write(`zhclean: ${f.source}: ${f.reason}\n`);
  let first = true;
  for (const file of files) {
    for await (const raw of readSourceFile(file)) {
      if (isFailure(raw)) {
        failed++;
        process.stderr.write(`zhclean: ${raw.source}${raw.line !== undefined ? `:${raw.line}` : ''}: ${raw.reason}\n`);
        continue;
      }
      const { id, changed } = ids.allocate(raw.rawId);
      const result = pipeline.process({ ...raw, id, ...(changed ? { sourceId: raw.rawId } : {}) });
      process.stdout.write(`${first ? '' : '\n────────\n\n'}${formatExplain(result, { color })}\n`);
      first = false;
    }
  }
  return failed > 0 ? 1 : 0;
}

function cmdStages(args: string[]): number {
  const { values } = parse(args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(`${STAGES_HELP}\n`);
    return 0;
  }
  const indent = ' '.repeat(13);
  for (const s of STAGES) {
    process.stdout.write(`${s.name.padEnd(12)} ${s.description}\n${indent}defaults: ${JSON.stringify(s.defaults)}\n`);
    if (s.limits && Object.keys(s.limits).length > 0) process.stdout.write(`${indent}limits: ${JSON.stringify(s.limits)}\n`);
  }
  return 0;
}

const HELPS: Record<string, string> = { run: RUN_HELP, explain: EXPLAIN_HELP, stages: STAGES_HELP };

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help') {
      process.stdout.write(`${MAIN_HELP}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    switch (command) {
      case 'run':
        return await cmdRun(rest);
      case 'explain':
        return await cmdExplain(rest);
      case 'stages':
        return cmdStages(rest);
      case 'help': {
        const topic = rest[0];
        if (topic !== undefined && !HELPS[topic]) throw new UsageError(`no help for "${topic}"`);
        process.stdout.write(`${topic ? HELPS[topic] : MAIN_HELP}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`zhclean: ${err.message}\nRun 'zhclean --help' for usage.\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`zhclean: internal error: ${e?.message ?? String(err)}\n`);
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    else process.stderr.write('Run again with --debug to see the stack trace.\n');
    return 1;
  }
}
