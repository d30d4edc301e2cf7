import { addDays } from './dates';
import {
  DEMO_HISTORY_DAYS,
  DEMO_PRODUCTS,
  demoDay,
  demoNoiseSeed,
  demoQuantityOn,
  type DailySale,
  type DemoDay,
  type DemoProduct,
} from './demo-data';
import { Random, fnv1a, hashSeed } from './prng';

/**
 * A demo catalogue of any size, as a bakery and supermarket chain has it: the 13 named demo products first, then
 * generated ones ("Pão de Queijo 12", "Bolo de Cenoura 3"…) whose parameters are a pure function of their position,
 * so a catalogue of N products is the same on every machine, and the first N of a larger one.
 *
 * The spread is a real catalogue's: sales levels follow a Pareto law (a few best sellers, a long tail of slow
 * movers selling a unit or two a day, many days at zero), some products have a gap (weeks out of stock: no rows),
 * and some are new, with less history than a model needs (see MIN_TRAINING_DAYS in training-input.ts).
 */

/** Products the catalogue holds at most (`SEED_DEMO_PRODUCTS`). */
export const MAX_DEMO_PRODUCTS = 12_013;

/** A catalogue product: the demo history's parameters plus how much of the window it has and where it is missing. */
export interface CatalogueProduct extends DemoProduct {
  /** Days of history ending at the window's end (≤ the window). */
  historyDays: number;
  /** Days without any row (out of stock), as offsets from the history's first day: [from, to). */
  gap: { from: number; to: number } | null;
}

/** Shares of generated products that are new (too little history to train) and that have a gap. */
const NEW_SHARE = 0.04;
const GAP_SHARE = 0.08;
/** The Pareto law of levels (units/day): shape ≈ 1.16 is the "80/20" one; the scale is a slow mover's level. */
const PARETO_SHAPE = 1.16;
const PARETO_SCALE = 1.2;
const MAX_LEVEL = 1_200;

// Base names by category (the category decides the weekly profile and the holiday effects).
// prettier-ignore
const BASES: Record<DemoProduct['category'], readonly string[]> = {
  bread: [
    'Pão de Forma', 'Pão Sírio', 'Bisnaguinha', 'Pão de Milho', 'Ciabatta', 'Pão Australiano', 'Pão de Centeio',
    'Focaccia', 'Pão de Leite', 'Pão Italiano', 'Pão Sovado', 'Pão de Batata', 'Broa Caseira', 'Pão Multigrãos',
    'Pão de Hambúrguer', 'Pão Petrópolis', 'Torrada Crocante', 'Pão de Cará',
  ],
  sweet: [
    'Bolo de Cenoura', 'Bolo de Fubá', 'Pudim de Leite', 'Quindim', 'Pavê', 'Torta de Maçã', 'Beijinho', 'Cajuzinho',
    'Pé de Moleque', 'Rocambole', 'Éclair', 'Suspiro', 'Sonho de Doce de Leite', 'Bomba de Chocolate', 'Cuca de Banana',
    'Mil-Folhas', 'Bolo de Maracujá', 'Canjica', 'Paçoca', 'Brigadeiro Gourmet', 'Biscoito Amanteigado',
  ],
  snack: [
    'Esfirra de Carne', 'Empada de Frango', 'Pastel de Forno', 'Quibe', 'Enroladinho de Salsicha', 'Croquete',
    'Bolinho de Bacalhau', 'Misto Quente', 'Pão de Queijo', 'Coxinha de Catupiry', 'Kibe Assado', 'Risole de Camarão',
    'Açaí na Tigela', 'Suco de Laranja', 'Café Expresso', 'Água de Coco', 'Cappuccino', 'Tapioca',
  ],
};
const CATEGORIES = Object.keys(BASES) as DemoProduct['category'][];
const ALL_BASES: readonly { base: string; category: DemoProduct['category'] }[] = CATEGORIES.flatMap((category) =>
  BASES[category].map((base) => ({ base, category })),
);

const WEEKLY: Record<DemoProduct['category'], DemoProduct['weekly']> = {
  bread: DEMO_PRODUCTS.find((p) => p.category === 'bread')!.weekly,
  sweet: DEMO_PRODUCTS.find((p) => p.category === 'sweet')!.weekly,
  snack: DEMO_PRODUCTS.find((p) => p.category === 'snack')!.weekly,
};

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The generated product at `index` (0-based, after the named ones): a pure function of the index. */
export function generatedProduct(index: number): CatalogueProduct {
  const { base, category } = ALL_BASES[index % ALL_BASES.length]!;
  // "Pão de Queijo 2", "Pão de Queijo 3"…: a numeric suffix never collides with a named product.
  const name = `${base} ${Math.floor(index / ALL_BASES.length) + 2}`;
  const rng = new Random(hashSeed('catalogue', index));
  const level = Math.min(MAX_LEVEL, PARETO_SCALE / Math.pow(1 - rng.uniform(), 1 / PARETO_SHAPE));
  const kind = rng.uniform();
  let historyDays = DEMO_HISTORY_DAYS;
  let gap: CatalogueProduct['gap'] = null;
  if (kind < NEW_SHARE) {
    historyDays = 5 + Math.floor(rng.uniform() * 20); // a launch of the last weeks: < 28 days
  } else if (kind < NEW_SHARE + 0.25) {
    historyDays = 120 + Math.floor(rng.uniform() * (DEMO_HISTORY_DAYS - 120)); // launched within the window
  }
  if (kind >= NEW_SHARE && rng.uniform() < GAP_SHARE / (1 - NEW_SHARE)) {
    const length = 14 + Math.floor(rng.uniform() * 60);
    const from = Math.floor(rng.uniform() * Math.max(1, historyDays - length - 60));
    gap = { from, to: from + length };
  }
  return {
    name,
    level: round(level, 2),
    growthPerYear: round(-0.05 + rng.uniform() * 0.2, 3),
    weekly: WEEKLY[category],
    yearlyAmplitude: round(0.04 + rng.uniform() * 0.2, 3),
    yearlyPeakDay: Math.floor(rng.uniform() * 365),
    holidays: {},
    category,
    // Slow movers are noisier (relative to their level) than best sellers.
    noise: round(0.06 + 0.12 / Math.sqrt(1 + level / 10), 3),
    historyDays,
    gap,
  };
}

/** The first `count` products of the catalogue: the named demo products, then generated ones. */
export function demoCatalogue(count: number = DEMO_PRODUCTS.length): CatalogueProduct[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_DEMO_PRODUCTS) {
    throw new RangeError(`a demo catalogue has 1 to ${MAX_DEMO_PRODUCTS} products`);
  }
  const named = DEMO_PRODUCTS.slice(0, count).map((p) => ({ ...p, historyDays: DEMO_HISTORY_DAYS, gap: null }));
  const generated = Array.from({ length: Math.max(0, count - DEMO_PRODUCTS.length) }, (_, i) => generatedProduct(i));
  return [...named, ...generated];
}

/** The days of a window of `days` days ending at `endDate`, oldest first; the last window is kept (seeding reuses it). */
let lastWindow: { key: string; days: DemoDay[] } | null = null;
function windowDays(endDate: string, days: number): DemoDay[] {
  const key = `${endDate}/${days}`;
  if (lastWindow?.key !== key) {
    const start = addDays(endDate, -(days - 1));
    lastWindow = { key, days: Array.from({ length: days }, (_, i) => demoDay(addDays(start, i))) };
  }
  return lastWindow.days;
}

/** One product's rows of a window of `days` days ending at `endDate`: its own history length, minus its gap. */
export function catalogueProductHistory(product: CatalogueProduct, endDate: string, days: number = DEMO_HISTORY_DAYS): DailySale[] {
  const window = windowDays(endDate, days);
  const length = Math.min(days, product.historyDays);
  const prefix = demoNoiseSeed(product.name);
  const rows: DailySale[] = [];
  for (let i = 0; i < length; i++) {
    if (product.gap && i >= product.gap.from && i < product.gap.to) continue;
    const day = window[days - length + i]!;
    rows.push({ date: day.date, product: product.name, quantity: demoQuantityOn(product, day, fnv1a(day.date, prefix)) });
  }
  return rows;
}

/**
 * The catalogue's history one product at a time (a batch per product), so seeding 10,000 products never holds
 * their 11 million rows in memory at once.
 */
export function* catalogueHistory(products: readonly CatalogueProduct[], endDate: string, days: number = DEMO_HISTORY_DAYS): Generator<DailySale[]> {
  for (const product of products) yield catalogueProductHistory(product, endDate, days);
}
