import { describe, expect, it } from 'vitest';
import { replaceSection } from './docs-section.ts';

describe('replaceSection', () => {
  it('appends a missing section and replaces only its own text later', () => {
    const doc = '# R\n\n<!-- other:begin -->\nkeep me\n<!-- other:end -->\n';
    const once = replaceSection(doc, 'mine', 'first');
    expect(once).toContain('<!-- mine:begin -->\nfirst\n<!-- mine:end -->');
    const twice = replaceSection(once, 'mine', 'second\n');
    expect(twice).toContain('<!-- mine:begin -->\nsecond\n<!-- mine:end -->');
    expect(twice).not.toContain('first');
    expect(twice).toContain('<!-- other:begin -->\nkeep me\n<!-- other:end -->');
    expect(twice.indexOf('other:begin')).toBeLessThan(twice.indexOf('mine:begin'));
  });

  it('works the same when serialized into the locked child (function source is self-contained)', () => {
    const f = new Function(`return (${replaceSection.toString()})`)() as typeof replaceSection;
    const doc = replaceSection('# R\n', 'a', 'x');
    expect(f(doc, 'a', 'y')).toBe(replaceSection(doc, 'a', 'y'));
  });
});
