// Pipeline configuration: which stages run and with which options.
// A config file is JSON: { "stages": ["normalize", ...], "options": { "normalize": { ... } } }.
// Everything is checked against the stages' own defaults, so a typo is an
// error that names the key, never an option silently ignored.

import { readFileSync } from 'node:fs';
import { STAGES, stageByName } from '../stages/index.js';
import type { OptionLimit, Stage } from './types.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface PipelineConfig {
  /** Stage names to run; they always run in the pipeline's order. Default: all. */
  stages?: string[];
  /** Per-stage option overrides, keyed by stage name. */
  options?: Record<string, Record<string, unknown>>;
}

export interface ResolvedStage {
  stage: Stage<any>;
  options: Record<string, unknown>;
}

const CONFIG_KEYS = new Set(['stages', 'options']);

export function resolveStages(config: PipelineConfig = {}): ResolvedStage[] {
  const wanted = config.stages;
  if (wanted !== undefined) {
    if (!Array.isArray(wanted) || wanted.some((s) => typeof s !== 'string')) {
      throw new ConfigError('"stages" must be a list of stage names');
    }
    for (const name of wanted) {
      if (!stageByName(name)) throw new ConfigError(`unknown stage "${name}" (stages: ${STAGES.map((s) => s.name).join(', ')})`);
    }
  }
  const overrides = config.options ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new ConfigError('"options" must be an object keyed by stage name');
  }
  for (const name of Object.keys(overrides)) {
    if (!stageByName(name)) throw new ConfigError(`options for unknown stage "${name}"`);
  }
  return STAGES.filter((s) => wanted === undefined || wanted.includes(s.name)).map((stage) => ({
    stage,
    options: mergeOptions(stage, overrides[stage.name] ?? {}),
  }));
}

function mergeOptions(stage: Stage<any>, given: Record<string, unknown>): Record<string, unknown> {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new ConfigError(`options for stage "${stage.name}" must be an object`);
  }
  const defaults = stage.defaults as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) {
      throw new ConfigError(`stage "${stage.name}" has no option "${key}" (options: ${Object.keys(defaults).join(', ') || 'none'})`);
    }
    const want = kindOf(defaults[key]);
    if (kindOf(value) !== want) {
      throw new ConfigError(`option ${stage.name}.${key} must be ${want}, got ${kindOf(value)}`);
    }
    if (typeof value === 'number') {
      const limit = (stage.limits as Record<string, OptionLimit> | undefined)?.[key] ?? {};
      if (!withinLimit(value, limit)) {
        throw new ConfigError(`option ${stage.name}.${key} must be ${describeLimit(limit)}, got ${value}`);
      }
    }
  }
  const options = { ...defaults, ...given };
  const problem = stage.checkOptions?.(options);
  if (problem !== undefined) throw new ConfigError(`options of stage "${stage.name}": ${problem}`);
  return options;
}

export function withinLimit(value: number, limit: OptionLimit): boolean {
  return (
    Number.isFinite(value) &&
    (!limit.integer || Number.isInteger(value)) &&
    (limit.min === undefined || value >= limit.min) &&
    (limit.max === undefined || value <= limit.max)
  );
}

function describeLimit(limit: OptionLimit): string {
  const what = limit.integer ? 'an integer' : 'a finite number';
  if (limit.min !== undefined && limit.max !== undefined) return `${what} from ${limit.min} to ${limit.max}`;
  if (limit.min !== undefined) return `${what} of at least ${limit.min}`;
  if (limit.max !== undefined) return `${what} of at most ${limit.max}`;
  return what;
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

/** Reads and checks a config file; every problem is a ConfigError naming the file. */
export function loadConfigFile(path: string): PipelineConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config ${path} must be a JSON object`);
  }
  for (const key of Object.keys(parsed)) {
    if (!CONFIG_KEYS.has(key)) throw new ConfigError(`config ${path}: unknown key "${key}" (keys: stages, options)`);
  }
  const config = parsed as PipelineConfig;
  try {
    resolveStages(config);
  } catch (err) {
    throw new ConfigError(`config ${path}: ${(err as Error).message}`);
  }
  return config;
}
