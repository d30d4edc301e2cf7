import { Card } from '@/components/ui/card';
import { AlertBanners } from '@/components/overview/alert-banners';
import { ClearAction } from '@/components/overview/clear-action';
import { HistoryCharts } from '@/components/overview/history-charts';
import { KpiCards } from '@/components/overview/kpi-cards';
import { ProductList } from '@/components/overview/product-list';
import { RedisTopology } from '@/components/overview/redis-topology';
import { StatusHeader } from '@/components/overview/status-header';
import { TtlSettings } from '@/components/overview/ttl-settings';
import { WarmUpAction } from '@/components/overview/warm-up-action';

/** The operator's overview: a server-rendered frame whose live parts are small polling client components. */
export default function OverviewPage() {
  return (
    <main className="mx-auto max-w-screen-2xl space-y-4 px-4 py-6 sm:px-6">
      <header className="space-y-3">
        <div>
          <h1 className="text-2xl font-semibold">AI Prediction Service</h1>
          <p className="text-sm text-slate-600 dark:text-slate-300">Cache dashboard: demand forecasts behind Redis.</p>
        </div>
        <StatusHeader />
      </header>

      <AlertBanners />
      <KpiCards />
      <HistoryCharts />

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Card title="Actions" id="actions" className="lg:col-span-2">
          <div className="grid gap-6 md:grid-cols-2">
            <div>
              <h3 className="mb-2 text-sm font-semibold">Clear cache</h3>
              <ClearAction />
            </div>
            <div>
              <h3 className="mb-2 text-sm font-semibold">Warm up</h3>
              <WarmUpAction />
            </div>
          </div>
        </Card>
        <Card title="TTL settings" id="ttl">
          <TtlSettings />
        </Card>
      </div>

      <Card title="Redis topology" id="topology">
        <RedisTopology />
      </Card>

      <Card title="Products" id="products">
        <ProductList />
      </Card>
    </main>
  );
}
