/** The claims catalogue and docs/claims.md describe the same claims, with the same quotes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CLAIMS } from '../../../lab/claims/catalogue.ts';
import { decidedBy, instrumentsFor } from '../../../lab/claims/instruments.ts';

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const EXPECTED_IDS = [...range('P', 9), ...range('S', 12), ...range('H', 10), ...range('X', 2), ...range('D', 3), ...range('T', 4)];

/** docs/claims.md's section per claim id ("### P1: …" up to the next heading), whitespace collapsed, Markdown escapes and code marks removed. */
function docSections(): Map<string, string> {
  const text = readFileSync(new URL('../../../docs/claims.md', import.meta.url), 'utf8');
  const sections = new Map<string, string>();
  for (const part of text.split(/^(?=#{2,3} )/m)) {
    const id = /^### ([A-Z]\d+):/.exec(part)?.[1];
    if (id) sections.set(id, part.replace(/\\(["*_])/g, '$1').replaceAll('`', '').replace(/\s+/g, ' '));
  }
  return sections;
}

test('the catalogue has every claim id once, in order', () => {
  assert.deepEqual(CLAIMS.map((c) => c.id), EXPECTED_IDS);
});

test('every claim has a source, a quote and what decides it, none naming an issue number', () => {
  for (const c of CLAIMS) {
    const texts = { text: c.text, source: c.source, quoted: c.quoted, decidedBy: decidedBy(c) };
    for (const [field, text] of Object.entries(texts)) {
      assert.ok(text.trim().length > 0, `${c.id}.${field} is empty`);
      assert.doesNotMatch(text, /\bissues?\s*#?\d/i, `${c.id}.${field}`);
    }
  }
});

test('a claim is decided by an instrument of the registry or says why none decides it, never both', () => {
  for (const c of CLAIMS) {
    const deciding = instrumentsFor(c.id).length > 0;
    assert.ok(deciding !== (c.undecidedBecause !== undefined), `${c.id}: ${deciding ? 'decided, yet says why not' : 'no instrument decides it and it does not say why'}`);
  }
});

test('docs/claims.md has a section per claim, with its source and every piece of its quote', () => {
  const sections = docSections();
  assert.deepEqual([...sections.keys()], EXPECTED_IDS);
  for (const c of CLAIMS) {
    const section = sections.get(c.id)!;
    for (const piece of c.quoted.split(' · ')) assert.ok(section.includes(`"${piece}"`), `${c.id}: docs/claims.md does not quote "${piece}"`);
    for (const place of c.source.split(/[;,] /)) {
      const name = place.replace(/ \(.*$/, '');
      assert.ok(section.includes(name), `${c.id}: docs/claims.md does not name its source "${name}"`);
    }
  }
});
