import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importSalesCsv, parseSalesCsv } from './csv-import';
import { openDatabase, type SqliteDatabase } from './database';
import { SqliteSalesStore } from './sales-store';

describe('CSV import', () => {
  let db: SqliteDatabase;
  let sales: SqliteSalesStore;
  beforeEach(() => {
    db = openDatabase(':memory:');
    sales = new SqliteSalesStore(db);
  });
  afterEach(() => db.close());

  it('imports a good file (BOM, CRLF, quoted names with commas and accents) in one go', async () => {
    const csv = '\uFEFFdate,product,quantity\r\n2025-01-01,Pão de Açúcar,12\r\n2025-01-02,"Bolo, chocolate",3.5\r\n2025-01-01,Bolo,0\r\n\r\n';
    const result = await importSalesCsv(sales, csv);
    expect(result).toEqual({ ok: true, imported: 3, products: 3 });
    expect(await sales.history('Pão de Açúcar')).toEqual([{ date: '2025-01-01', quantity: 12 }]);
    expect(await sales.history('Bolo, chocolate')).toEqual([{ date: '2025-01-02', quantity: 3.5 }]);
    // Importing again replaces values instead of duplicating them.
    await importSalesCsv(sales, 'date,product,quantity\n2025-01-01,Pão de Açúcar,14\n');
    expect(await sales.history('Pão de Açúcar')).toEqual([{ date: '2025-01-01', quantity: 14 }]);
  });

  it('reports every bad row by line number and imports nothing', async () => {
    const csv = [
      'date,product,quantity', // 1
      '2025-01-01,Bolo,10', // 2 ok
      '2025-02-30,Bolo,10', // 3 bad date
      '2025-01-03,,4', // 4 empty product
      '2025-01-04,Bolo,-1', // 5 negative
      '2025-01-05,Bolo,abc', // 6 not a number
      '2025-01-06,Bolo', // 7 missing field
      '2025-01-01,Bolo,11', // 8 duplicate of line 2
      `2025-01-07,${'x'.repeat(201)},1`, // 9 name too long
      '2025-01-08,Croissant,7', // 10 ok
    ].join('\n');
    const result = await importSalesCsv(sales, csv);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(result.errors.find((e) => e.line === 8)!.message).toMatch(/duplicate.*line 2/);
    expect(result.errors.find((e) => e.line === 3)!.message).toMatch(/2025-02-30/);
    expect(await sales.isEmpty()).toBe(true);
  });

  it('counts lines through quoted newlines and rejects a wrong header or an empty file', async () => {
    const result = parseSalesCsv('date,product,quantity\n"2025-01-01","Pão\nFrancês",1\n2025-13-01,Bolo,1\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.line)).toEqual([2, 4]);
    const header = parseSalesCsv('day,item,qty\n2025-01-01,Bolo,1\n');
    expect(header.ok).toBe(false);
    if (!header.ok) expect(header.errors[0]).toMatchObject({ line: 1 });
    expect(parseSalesCsv('').ok).toBe(false);
    expect(parseSalesCsv('date,product,quantity\n').ok).toBe(false);
  });
});
