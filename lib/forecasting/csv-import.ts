import { productNameProblem } from './config';
import { isIsoDate } from './dates';
import type { DailySale } from './demo-data';
import type { SalesStore } from './store';

export interface CsvRowError {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  message: string;
}

export type CsvParseResult = { ok: true; rows: DailySale[] } | { ok: false; errors: CsvRowError[] };

/** Splits CSV text into records (RFC 4180 quoting), each with the line it starts on. */
function* records(text: string): Generator<{ line: number; fields: string[] }> {
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let fieldStarted = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') {
          quoted = false;
        } else {
          if (c === '\n') line++;
          field += c;
        }
      } else if (c === '"' && !fieldStarted) {
        quoted = true;
        fieldStarted = true;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        fieldStarted = false;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else {
        field += c;
        fieldStarted = true;
      }
    }
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) yield { line: startLine, fields };
  }
}

const NUMBER = /^\d+(\.\d+)?$/;

/**
 * Parses and validates a `date,product,quantity` file. Every row is checked and every bad row reported with its
 * line number; the result has rows only when the whole file is valid.
 */
export function parseSalesCsv(input: string): CsvParseResult {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const errors: CsvRowError[] = [];
  const rows: DailySale[] = [];
  const seen = new Map<string, number>();
  let header = true;
  for (const { line, fields } of records(text)) {
    if (header) {
      header = false;
      const names = fields.map((f) => f.trim().toLowerCase());
      if (names.join(',') !== 'date,product,quantity') {
        errors.push({ line, message: `header must be "date,product,quantity", found "${fields.join(',')}"` });
        return { ok: false, errors };
      }
      continue;
    }
    if (fields.length !== 3) {
      errors.push({ line, message: `expected 3 fields (date,product,quantity), found ${fields.length}` });
      continue;
    }
    const date = fields[0]!.trim();
    const product = fields[1]!.trim().normalize('NFC');
    const quantityText = fields[2]!.trim();
    const problems: string[] = [];
    if (!isIsoDate(date)) problems.push(`date "${date}" is not a valid YYYY-MM-DD date`);
    const productProblem = product === '' ? 'product is empty' : productNameProblem(product);
    if (productProblem) problems.push(productProblem);
    const quantity = Number(quantityText);
    if (!NUMBER.test(quantityText) || !Number.isFinite(quantity)) problems.push(`quantity "${quantityText}" is not a non-negative number`);
    if (problems.length) {
      errors.push({ line, message: problems.join('; ') });
      continue;
    }
    const key = `${product}\u0000${date}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ line, message: `duplicate row for ${product} on ${date} (first on line ${first})` });
      continue;
    }
    seen.set(key, line);
    rows.push({ date, product, quantity });
  }
  if (header) errors.push({ line: 1, message: 'file is empty (expected the header "date,product,quantity")' });
  else if (!errors.length && rows.length === 0) errors.push({ line: 2, message: 'no data rows' });
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

export type ImportResult = { ok: true; imported: number; products: number } | { ok: false; errors: CsvRowError[] };

/** Validates the whole file, then imports it in one transaction; a file with any bad row imports nothing. */
export async function importSalesCsv(sales: SalesStore, text: string): Promise<ImportResult> {
  const parsed = parseSalesCsv(text);
  if (!parsed.ok) return parsed;
  const { inserted, products } = await sales.upsertSales(parsed.rows);
  return { ok: true, imported: inserted, products };
}
