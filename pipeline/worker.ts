// A worker thread of the run's pools. In the cleaning pool it runs every stage's `apply`
// on the documents it is sent, reading and decoding text files itself, and writes each
// one's text and report (pipeline/tasks.ts says why it can before dedup decides); the pipeline
// (tables, models) is built once per worker, with the scan pass's corpus context sent by
// the main thread. Corpus decisions (dedup) are not made here: the main thread makes them
// in input order. In the scan pool (`scan`) it reduces files to what the scan counts.
import Tinypool from 'tinypool';
import { createPipeline, MemoryCorpusContext, type ContextSnapshot, type Pipeline } from './pipeline.js';
import type { PipelineConfig } from './config.js';
import { runTasks, scanTextFile, type DocumentOutputs, type WorkerOutcome, type WorkerTask } from './tasks.js';

export interface WorkerData {
  config: PipelineConfig;
  context: ContextSnapshot;
  /** Where the cleaning pool writes each document. */
  outputs?: DocumentOutputs;
}

/** The scan pool's pipeline (no corpus context) and the cleaning pool's: one per worker, never both. */
let scanning: Pipeline | undefined;
let pipeline: Pipeline | undefined;

/** The scan pass's first half for a batch of text files: each read here and reduced to what the stages count; null for a file that cannot be read. */
export function scan(paths: string[]): (unknown[] | null)[] {
  scanning ??= createPipeline((Tinypool.workerData as WorkerData).config);
  return paths.map((path) => scanTextFile(path, scanning!));
}

export default function runBatch(batch: WorkerTask[]): WorkerOutcome[] {
  const data = Tinypool.workerData as WorkerData;
  pipeline ??= createPipeline({ ...data.config, context: MemoryCorpusContext.from(data.context) });
  const outcomes = runTasks(batch, pipeline, data.outputs!);
  // The original text is not needed where the corpus decisions are made; it would be the largest thing sent.
  for (const o of outcomes) if ('done' in o) o.done.doc = { ...o.done.doc, original: '' };
  return outcomes;
}
