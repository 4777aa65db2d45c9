// The library API: `import { clean, createPipeline } from 'zhclean'`.
export { clean, createPipeline, buildReport, MemoryCorpusContext, StageError } from './pipeline.js';
export type { CleanOptions, Decision, Pipeline, PipelineOptions, StagesDone } from './pipeline.js';
export { ConfigError, resolveStages } from './config.js';
export type { PipelineConfig } from './config.js';
export { decode, NotTextError } from './decode.js';
export type { Decoded } from './decode.js';
export { runCorpus } from './run.js';
export type { RunOptions, RunSummary, StageSummary, Progress } from './run.js';
export { STAGES } from '../stages/index.js';
export { Changes } from './changes.js';
export type * from './types.js';
