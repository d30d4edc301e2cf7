import { describe, expect, it } from 'vitest';
import { LOCALES } from '../locales';
import { MESSAGES } from '.';

/** Every leaf of a dictionary as `path: kind(arity)`, e.g. `clear.confirmDescription: function(1)`. */
function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'function') return [`${path}: function(${value.length})`];
  if (typeof value === 'string') return [`${path}: string`];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => shape(child, path ? `${path}.${key}` : key));
  }
  return [`${path}: ${typeof value}`];
}

/** The leaves whose value is text (strings, and what functions return for sample arguments). */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return [String((value as (...args: unknown[]) => unknown)('X', 'Y', 'Z', true, 'W'))];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(texts);
  return [];
}

describe('dashboard dictionaries', () => {
  it('have the same keys, and the same parameters, in every language (a missing or extra key fails)', () => {
    const english = shape(MESSAGES.en).sort();
    for (const locale of LOCALES) {
      const leaves = shape(MESSAGES[locale]).sort();
      expect(
        leaves.filter((l) => !english.includes(l)),
        `${locale}: keys English lacks`,
      ).toEqual([]);
      expect(
        english.filter((l) => !leaves.includes(l)),
        `${locale}: keys missing`,
      ).toEqual([]);
    }
  });

  it('have no empty text', () => {
    for (const locale of LOCALES) expect(texts(MESSAGES[locale]).filter((t) => t.trim() === '')).toEqual([]);
  });

  it('are really translated: Portuguese differs from English in most texts', () => {
    const pt = texts(MESSAGES['pt-BR']);
    const en = texts(MESSAGES.en);
    const same = pt.filter((text, i) => text === en[i]);
    // Shared on purpose: unit-only labels, product/technical names ("TTL", "cache"), the language names.
    expect(same.length / pt.length).toBeLessThan(0.1);
  });
});
