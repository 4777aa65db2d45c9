// A document's per-document work, wherever it runs: on the main thread without workers,
// or in a worker thread of the run's pools (pipeline/worker.ts). Kept apart from the
// worker's module so that a run without workers does not load the pool's library.
import { idFromPath, isFailure, readFileBytes, readTextFile, textDoc, type InputFailure } from './inputs.js';
import type { Pipeline, StagesDone } from './pipeline.js';
import type { InputDoc } from './types.js';

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

/**
 * What the scanning stages count in a text file; null when it cannot be read or is not
 * text (cleaning will say why). A plain UTF-8 file is counted from its code points; any
 * other is decoded as cleaning decodes it.
 */
export function scanTextFile(path: string, pipeline: Pipeline): unknown[] | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileBytes(path);
  } catch {
    return null;
  }
  const plain = pipeline.scanSummaryUtf8(bytes);
  if (plain) return plain;
  const raw = textDoc(path, idFromPath(path), bytes);
  return isFailure(raw) ? null : pipeline.scanSummary(raw.text);
}
