import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getForecastingService } from '@/lib/forecasting';
import { ForecastPanel } from '@/components/product/forecast-panel';
import { ModelPanel } from '@/components/product/model-panel';
import { LocaleSwitch } from '@/components/i18n/locale-switch';
import { messagesFor } from '@/lib/i18n/messages';
import { requestLocale } from '@/lib/i18n/request-locale';

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
  return { title: messagesFor(await requestLocale()).meta.productTitle(product) };
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
  const t = messagesFor(await requestLocale()).product;
  return (
    <main className="mx-auto max-w-screen-2xl space-y-4 px-4 py-6 sm:px-6">
      <div className="flex items-center justify-between gap-4">
        <nav aria-label={t.breadcrumb} className="text-sm">
          <Link href="/" className="text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
            {t.back}
          </Link>
        </nav>
        <LocaleSwitch />
      </div>
      <header>
        <h1 className="text-2xl font-semibold" data-testid="product-name">
          {product}
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">{t.subtitle}</p>
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
