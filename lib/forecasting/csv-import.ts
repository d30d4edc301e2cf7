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

/** Splits CSV text into records (RFC 4180 quoting, any one-character separator), each with the line it starts on. */
function* records(text: string, separator: ',' | ';'): Generator<{ line: number; fields: string[] }> {
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
      } else if (c === separator) {
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

/**
 * The two forms a file may take. The international one: `date,product,quantity`, comma-separated, ISO dates, a
 * decimal point. The Brazilian one, as spreadsheets in pt-BR save it: `;`-separated (the comma being the decimal
 * mark), `data;produto;quantidade` (or the English names), decimal commas with optional thousands dots
 * (`1.234,5`), and dates as `dd/mm/aaaa` or ISO.
 */
interface CsvForm {
  separator: ',' | ';';
  quantity: RegExp;
  toNumber: (text: string) => number;
  toIsoDate: (text: string) => string;
}

const INTERNATIONAL: CsvForm = {
  separator: ',',
  quantity: /^\d+(\.\d+)?$/,
  toNumber: Number,
  toIsoDate: (text) => text,
};

const BRAZILIAN: CsvForm = {
  separator: ';',
  quantity: /^(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$/,
  toNumber: (text) => Number(text.replaceAll('.', '').replace(',', '.')),
  toIsoDate: (text) => {
    const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
    return m ? `${m[3]}-${m[2]}-${m[1]}` : text;
  },
};

const HEADERS = ['date,product,quantity', 'data,produto,quantidade'];

/** The form a header line announces, or null when it is neither form's header. */
function formOf(headerLine: string): CsvForm | null {
  for (const form of [INTERNATIONAL, BRAZILIAN]) {
    const names = headerLine
      .split(form.separator)
      .map((f) =>
        f
          .trim()
          .replace(/^"(.*)"$/, '$1')
          .toLowerCase(),
      )
      .join(',');
    if (HEADERS.includes(names)) return form;
  }
  return null;
}

/**
 * Parses and validates a sales file in either form (see {@link CsvForm}). Every row is checked and every bad row
 * reported with its line number; the result has rows only when the whole file is valid.
 */
export function parseSalesCsv(input: string): CsvParseResult {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const errors: CsvRowError[] = [];
  const rows: DailySale[] = [];
  const seen = new Map<string, number>();
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (headerLine.trim() === '') {
    return { ok: false, errors: [{ line: 1, message: 'file is empty (expected the header "date,product,quantity" or "data;produto;quantidade")' }] };
  }
  const form = formOf(headerLine);
  if (!form) {
    return {
      ok: false,
      errors: [{ line: 1, message: `header must be "date,product,quantity" or "data;produto;quantidade", found "${headerLine}"` }],
    };
  }
  const sep = form.separator;
  let header = true;
  for (const { line, fields } of records(text, sep)) {
    if (header) {
      header = false;
      continue;
    }
    if (fields.length !== 3) {
      errors.push({ line, message: `expected 3 fields (date${sep}product${sep}quantity), found ${fields.length}` });
      continue;
    }
    const dateText = fields[0]!.trim();
    const date = form.toIsoDate(dateText);
    const product = fields[1]!.trim().normalize('NFC');
    const quantityText = fields[2]!.trim();
    const problems: string[] = [];
    if (!isIsoDate(date)) problems.push(`date "${dateText}" is not a valid ${sep === ';' ? 'DD/MM/YYYY or ' : ''}YYYY-MM-DD date`);
    const productProblem = product === '' ? 'product is empty' : productNameProblem(product);
    if (productProblem) problems.push(productProblem);
    const quantity = form.toNumber(quantityText);
    if (!form.quantity.test(quantityText) || !Number.isFinite(quantity)) problems.push(`quantity "${quantityText}" is not a non-negative number`);
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
  if (!errors.length && rows.length === 0) errors.push({ line: 2, message: 'no data rows' });
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
