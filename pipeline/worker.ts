// A worker thread of the run's pool. For the scan pass (`scan`) it reduces text files to
// what the scanning stages count. For the cleaning (the default export) it runs every
// stage on the documents it is sent, reading and decoding text files itself, and writes
// each one's text and report (pipeline/tasks.ts says why it can before dedup decides).
// Corpus decisions (dedup) are not made here: the main thread makes them in input order.
// The cleaning pipeline (tables, models) is built once per worker, with the corpus context
// the scan pass gathered: the pool starts before that pass, so the context comes with a
// batch, sent again with it to a worker that answers NEEDS_CONTEXT.
import Tinypool from 'tinypool';
import { createPipeline, MemoryCorpusContext, type ContextSnapshot, type Pipeline } from './pipeline.js';
import type { PipelineConfig } from './config.js';
import { NEEDS_CONTEXT, runTasks, scanTextFile, type DocumentOutputs, type WorkerOutcome, type WorkerTask } from './tasks.js';

export interface WorkerData {
  config: PipelineConfig;
  /** Where the cleaning writes each document. */
  outputs: DocumentOutputs;
}

/** Documents to clean, and the corpus context for a worker that has none yet. */
export interface CleanBatch {
  tasks: WorkerTask[];
  context?: ContextSnapshot;
}

/** The scan pass's pipeline (no corpus context) until the cleaning starts, then the cleaning's. */
let scanning: Pipeline | undefined;
let pipeline: Pipeline | undefined;

/** The scan pass's first half for a batch of text files: each read here and reduced to what the stages count; null for a file that cannot be read. */
export function scan(paths: string[]): (unknown[] | null)[] {
  scanning ??= createPipeline((Tinypool.workerData as WorkerData).config);
  return paths.map((path) => scanTextFile(path, scanning!));
}

export default function runBatch({ tasks, context }: CleanBatch): WorkerOutcome[] | typeof NEEDS_CONTEXT {
  const data = Tinypool.workerData as WorkerData;
  if (!pipeline) {
    if (!context) return NEEDS_CONTEXT;
    pipeline = createPipeline({ ...data.config, context: MemoryCorpusContext.from(context) });
    scanning = undefined;
  }
  const outcomes = runTasks(tasks, pipeline, data.outputs);
  // The original text is not needed where the corpus decisions are made; it would be the largest thing sent.
  for (const o of outcomes) if ('done' in o) o.done.doc = { ...o.done.doc, original: '' };
  return outcomes;
}
