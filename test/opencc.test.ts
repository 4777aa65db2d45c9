// OpenCC's own conversion test cases (test/fixtures/opencc-testcases, Apache-2.0) for
// every configuration the script stage offers: variant t = t2s, tw = tw2s, twp = tw2sp
// (Taiwan phrases), hk = hk2s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, type ScriptVariant } from '../stages/script.js';
import { FIXTURES } from './helpers/fixtures.js';

const CONFIGS: Record<string, Exclude<ScriptVariant, 'auto'>> = { t2s: 't', tw2s: 'tw', tw2sp: 'twp', hk2s: 'hk' };

/**
 * Cases opencc-js cannot pass, with the reason. opencc-js 1.4.2 bundles the
 * dictionaries of its own release; these cases (from OpenCC's main branch) test
 * TSCharacters entries added later (殢→𣨼, 圞→𪢮, 樠→𣗊), absent from the bundled
 * table. The test checks they still fail, so an upgrade that fixes them is noticed.
 */
const KNOWN: Record<string, string> = {
  'BYVoid_OpenCC_PR_1228_existing_behaviors t2s': '殢 → 𣨼 is not in opencc-js 1.4.2 TSCharacters (added in OpenCC PR 1228)',
  'BYVoid_OpenCC_PR_1229_existing_behaviors t2s': '圞 → 𪢮 is not in opencc-js 1.4.2 TSCharacters (added in OpenCC PR 1229)',
  'BYVoid_OpenCC_PR_464_xi_vs_xi t2s': '樠 → 𣗊 is not in opencc-js 1.4.2 TSCharacters (added with OpenCC PR 464 follow-ups)',
};

const data: { cases: { id: string; input: string; expected: Record<string, string> }[] } = JSON.parse(
  readFileSync(join(FIXTURES, 'opencc-testcases', 'testcases.strict.json'), 'utf8'),
);

describe("OpenCC's test cases through the script stage's converters", () => {
  let count = 0;
  for (const c of data.cases) {
    for (const [config, expected] of Object.entries(c.expected)) {
      const variant = CONFIGS[config];
      if (!variant) continue;
      count++;
      const name = `${c.id} ${config}`;
      if (KNOWN[name]) {
        it(`${name} (known opencc-js gap: ${KNOWN[name]})`, () => {
          expect(convert(c.input, variant)).not.toBe(expected);
        });
      } else {
        it(name, () => {
          expect(convert(c.input, variant)).toBe(expected);
        });
      }
    }
  }
  it('covers every offered configuration', () => {
    expect(count).toBe(161);
  });
});
