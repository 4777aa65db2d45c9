// The stages in the order they run. A stage sees the text every stage above
// it produced; later issues add theirs to this one list.

import type { Stage } from '../pipeline/types.js';
import { normalize } from './normalize.js';
import { reflow } from './reflow.js';
import { script } from './script.js';
import { boilerplate } from './boilerplate.js';
import { dedupe } from './dedupe.js';
import { despin } from './despin.js';
import { language } from './language.js';
import { punctuation } from './punctuation.js';
import { quality } from './quality.js';

export const STAGES: readonly Stage<any>[] = [normalize, script, reflow, boilerplate, despin, punctuation, language, dedupe, quality];

export function stageByName(name: string): Stage<any> | undefined {
  return STAGES.find((s) => s.name === name);
}
