import { describe, expect, it } from 'vitest';
import { compareNames, foldForSearch, nameMatches } from './names';

describe('product names for pt-BR readers', () => {
  it('searches ignoring case and accents', () => {
    expect(nameMatches('Pão de Açúcar', 'pao')).toBe(true);
    expect(nameMatches('Pão de Açúcar', 'ACUCAR')).toBe(true);
    expect(nameMatches('PÃO DE QUEIJO', ' pão ')).toBe(true);
    expect(nameMatches('Croissant', 'pao')).toBe(false);
    expect(nameMatches('Croissant', '  ')).toBe(true);
    // A name typed with combining marks folds like the precomposed one.
    expect(foldForSearch('Pa\u0303o')).toBe(foldForSearch('Pão'));
  });

  it('sorts accented initials with their base letter and numbers by value', () => {
    const names = ['Zebra', 'Água de coco', 'bolo', 'Ácaí', 'Pão 10', 'Pão 2', 'Broa'];
    expect([...names].sort(compareNames)).toEqual(['Ácaí', 'Água de coco', 'bolo', 'Broa', 'Pão 2', 'Pão 10', 'Zebra']);
    // Stable for names equal but for case or accents.
    expect(['pao', 'Pão', 'Pao'].sort(compareNames)).toEqual(['Pao', 'Pão', 'pao']);
  });
});
