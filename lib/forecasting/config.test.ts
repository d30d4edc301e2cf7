import { describe, expect, it } from 'vitest';
import { MAX_PRODUCT_NAME_LENGTH, productNameProblem } from './config';

describe('product names', () => {
  it('accepts names up to the limit and refuses longer ones and control characters, saying why', () => {
    expect(productNameProblem('Pão de Açúcar')).toBeNull();
    expect(productNameProblem('x'.repeat(MAX_PRODUCT_NAME_LENGTH))).toBeNull();
    expect(productNameProblem('x'.repeat(MAX_PRODUCT_NAME_LENGTH + 1))).toBe(`product name is longer than ${MAX_PRODUCT_NAME_LENGTH} characters`);
    expect(productNameProblem('Bolo\u0000')).toBe('product name contains control characters');
    expect(productNameProblem('Bolo\u007f')).toBe('product name contains control characters');
  });

  it('refuses C1 controls, bidi overrides and zero-width characters (look-alike names) and lone surrogates', () => {
    expect(productNameProblem('Bolo\u0085')).toBe('product name contains control characters'); // NEL, a C1 control
    for (const invisible of ['\u202e', '\u2066', '\u200e', '\u061c', '\u200b', '\u200d', '\u2060', '\ufeff', '\u00ad']) {
      expect(productNameProblem(`Bo${invisible}lo`), JSON.stringify(invisible)).toMatch(/invisible formatting characters/);
    }
    expect(productNameProblem('Bolo\ud800')).toBe('product name contains an unpaired surrogate');
    // Real text stays valid: accents, other scripts, emoji (a surrogate pair), symbols.
    for (const name of ['Pão de Açúcar', 'Crème brûlée', '東京 ロール', 'Pão 🥐', 'Torta (½)', "Pão d'água"])
      expect(productNameProblem(name), name).toBeNull();
  });
});
