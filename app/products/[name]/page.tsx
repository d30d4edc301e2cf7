import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getForecastingService } from '@/lib/forecasting';
import { ForecastPanel } from '@/components/product/forecast-panel';
import { ModelPanel } from '@/components/product/model-panel';

type Params = Promise<{ name: string }>;

/** Route params may arrive still percent-encoded (accents, spaces); decode once, tolerating a stray '%'. */
function productName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const product = productName((await params).name);
  return { title: `${product} — forecast · AI Prediction Service` };
}

/** Whether the database knows the product; undefined when it cannot say (the page then renders and shows the API's errors). */
async function productKnown(product: string): Promise<boolean | undefined> {
  try {
    return await (await getForecastingService()).hasProduct(product);
  } catch {
    return undefined;
  }
}

/** One product: its forecast (from the cache or computed) and its model, with Retrain. */
export default async function ProductPage({ params }: { params: Params }) {
  const product = productName((await params).name);
  if ((await productKnown(product)) === false) notFound();
  return (
    <main className="mx-auto max-w-screen-2xl space-y-4 px-4 py-6 sm:px-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/" className="text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
          ← Cache overview
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-semibold" data-testid="product-name">
          {product}
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">Demand forecast, daily units.</p>
      </header>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <ForecastPanel product={product} />
        </div>
        <ModelPanel product={product} />
      </div>
    </main>
  );
}
