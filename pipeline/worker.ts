// A worker thread of the run's pool: runs every stage's `apply` on the documents it
// is sent. The pipeline (tables, models) is built once per worker; the corpus context
// is the scan pass's snapshot, sent by the main thread. Corpus decisions (dedup) are
// not made here: the main thread makes them in input order.
import Tinypool from 'tinypool';
import { createPipeline, MemoryCorpusContext, type ContextSnapshot, type Pipeline, type StagesDone } from './pipeline.js';
import type { PipelineConfig } from './config.js';
import type { InputDoc } from './types.js';

export interface WorkerData {
  config: PipelineConfig;
  context: ContextSnapshot;
}

/** One document's stages, or why they failed (a failure is the document's, not the batch's). */
export type WorkerOutcome = { done: StagesDone } | { error: string };

let pipeline: Pipeline | undefined;

export default function runStages(batch: InputDoc[]): WorkerOutcome[] {
  if (!pipeline) {
    const data = Tinypool.workerData as WorkerData;
    pipeline = createPipeline({ ...data.config, context: MemoryCorpusContext.from(data.context) });
  }
  return batch.map((input) => {
    try {
      return { done: pipeline!.runStages(input) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
}
