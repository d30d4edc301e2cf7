import { describe, expect, it } from 'vitest';
import { resolveClearTarget } from './clear-target';
import { HttpError } from './errors';

const PRODUCTS = ['Pão de Açúcar', 'Bolo', 'Bolo de Cenoura', 'Pão Francês', 'a:b*c?[d]'];

function notFound(target: string): boolean {
  try {
    resolveClearTarget(target, PRODUCTS);
    return false;
  } catch (error) {
    return error instanceof HttpError && error.code === 'not_found';
  }
}

describe('resolveClearTarget', () => {
  it('maps type targets and exact product names', () => {
    expect(resolveClearTarget('all', PRODUCTS)).toBe('all');
    expect(resolveClearTarget('models', PRODUCTS)).toBe('models');
    expect(resolveClearTarget('predictions', PRODUCTS)).toBe('predictions');
    expect(resolveClearTarget('products', PRODUCTS)).toBe('products');
    expect(resolveClearTarget('Bolo', PRODUCTS)).toEqual({ product: 'Bolo' });
    expect(resolveClearTarget('a:b*c?[d]', PRODUCTS)).toEqual({ product: 'a:b*c?[d]' });
  });
  it('never treats a target as a pattern or a path', () => {
    for (const target of ['*', 'Bolo*', 'Bol?', 'Pão*', '[B]olo', '../', '../../etc/passwd', 'bolo', 'Bolo ', ' Bolo', 'x'.repeat(10_000), 'ALL']) {
      expect(notFound(target), target).toBe(true);
    }
  });
  it('accepts a decomposed spelling of exactly one product, and nothing looser', () => {
    const decomposed = 'Pão de Açúcar'.normalize('NFD');
    expect(decomposed).not.toBe('Pão de Açúcar');
    expect(resolveClearTarget(decomposed, PRODUCTS)).toEqual({ product: 'Pão de Açúcar' });
    expect(notFound('Pao de Acucar')).toBe(true);
    expect(notFound('PÃO DE AÇÚCAR')).toBe(true);
  });
  it('prefers the exact name when two products differ only by normalisation', () => {
    const nfd = 'Pão'.normalize('NFD');
    expect(resolveClearTarget(nfd, ['Pão', nfd])).toEqual({ product: nfd });
  });
});
