import { describe, expect, it } from 'vitest';
import { filterByName } from './filter-by-name';

describe('filterByName', () => {
  const names = ['Pão francês', 'PÃO DE QUEIJO', 'Café'];
  const byName = (n: string) => n;

  it('keeps the names that contain the query, ignoring case, accents and surrounding spaces', () => {
    expect(filterByName(names, '  pão ', byName)).toEqual(['Pão francês', 'PÃO DE QUEIJO']);
    expect(filterByName(names, 'pao', byName)).toEqual(['Pão francês', 'PÃO DE QUEIJO']);
    expect(filterByName(names, 'cafe', byName)).toEqual(['Café']);
  });

  it('returns the same array for an empty or blank query', () => {
    expect(filterByName(names, '', byName)).toBe(names);
    expect(filterByName(names, '   ', byName)).toBe(names);
  });

  it('reads the name through the accessor', () => {
    expect(filterByName([{ name: 'Café' }, { name: 'Pão' }], 'caf', (p) => p.name)).toEqual([{ name: 'Café' }]);
  });
});
