// A worker thread of the run's pools. In the cleaning pool it runs every stage's `apply`
// on the documents it is sent, reading and decoding text files itself; the pipeline
// (tables, models) is built once per worker, with the scan pass's corpus context sent by
// the main thread. Corpus decisions (dedup) are not made here: the main thread makes them
// in input order. In the scan pool (`scan`) it reduces files to what the scan counts.
import Tinypool from 'tinypool';
import { createPipeline, MemoryCorpusContext, type ContextSnapshot, type Pipeline, type StagesDone } from './pipeline.js';
import type { PipelineConfig } from './config.js';
import type { InputDoc } from './types.js';
import { readFileSync } from 'node:fs';
import { idFromPath, isFailure, readTextFile, textDoc, type InputFailure } from './inputs.js';

export interface WorkerData {
  config: PipelineConfig;
  context: ContextSnapshot;
}

/** A document to clean: as read on the main thread (JSONL), or a text file to read here. */
export type WorkerTask = InputDoc | { read: string; id: string; sourceId?: string };

/** One document's stages; or why they failed, or why its file could not be read (the document's, not the batch's). */
export type WorkerOutcome = { done: StagesDone } | { error: string } | { failure: InputFailure };

/** Cleans a batch: each file read, each document through every stage's `apply`. Also used on the main thread without workers. */
export function runTasks(batch: WorkerTask[], pipeline: Pipeline): WorkerOutcome[] {
  return batch.map((task): WorkerOutcome => {
    let input: InputDoc;
    if ('read' in task) {
      const raw = readTextFile(task.read);
      if (isFailure(raw)) return { failure: raw };
      input = { id: task.id, ...(task.sourceId !== undefined ? { sourceId: task.sourceId } : {}), source: raw.source, encoding: raw.encoding, text: raw.text, meta: raw.meta, warnings: raw.warnings };
    } else input = task;
    try {
      return { done: pipeline.runStages(input) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** The scan pool's pipeline (no corpus context) and the cleaning pool's: one per worker, never both. */
let scanning: Pipeline | undefined;
let pipeline: Pipeline | undefined;

/** The scan pass's first half for a batch of text files: each read here and reduced to what the stages count; null for a file that cannot be read. */
export function scan(paths: string[]): (unknown[] | null)[] {
  scanning ??= createPipeline((Tinypool.workerData as WorkerData).config);
  return paths.map((path) => scanTextFile(path, scanning!));
}

/**
 * What the scanning stages count in a text file; null when it cannot be read or is not
 * text (cleaning will say why). A plain UTF-8 file is counted from its code points; any
 * other is decoded as cleaning decodes it.
 */
export function scanTextFile(path: string, pipeline: Pipeline): unknown[] | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return null;
  }
  const plain = pipeline.scanSummaryUtf8(bytes);
  if (plain) return plain;
  const raw = textDoc(path, idFromPath(path), bytes);
  return isFailure(raw) ? null : pipeline.scanSummary(raw.text);
}

export default function runBatch(batch: WorkerTask[]): WorkerOutcome[] {
  if (!pipeline) {
    const data = Tinypool.workerData as WorkerData;
    pipeline = createPipeline({ ...data.config, context: MemoryCorpusContext.from(data.context) });
  }
  return runTasks(batch, pipeline);
}
