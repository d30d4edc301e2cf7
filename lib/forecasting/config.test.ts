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
});
