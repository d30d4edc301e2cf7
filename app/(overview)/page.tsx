import { Card } from '@/components/ui/card';
import { AlertBanners } from '@/components/overview/alert-banners';
import { ClearAction } from '@/components/overview/clear-action';
import { FailedJobs } from '@/components/overview/failed-jobs';
import { GraceEventsPanel } from '@/components/overview/grace-events-panel';
import { HistoryCharts } from '@/components/overview/history-charts';
import { KpiCards } from '@/components/overview/kpi-cards';
import { ProductList } from '@/components/overview/product-list';
import { RedisTopology } from '@/components/overview/redis-topology';
import { RetrainAllAction } from '@/components/overview/retrain-all-action';
import { SavingsPanel } from '@/components/overview/savings-panel';
import { StatusHeader } from '@/components/overview/status-header';
import { TtlSettings } from '@/components/overview/ttl-settings';
import { TuningPanel } from '@/components/overview/tuning-panel';
import { UsagePanels } from '@/components/overview/usage-panels';
import { WarmUpAction } from '@/components/overview/warm-up-action';
import { LocaleSwitch } from '@/components/i18n/locale-switch';
import { messagesFor } from '@/lib/i18n/messages';
import { requestLocale } from '@/lib/i18n/request-locale';

/** The operator's overview: a server-rendered frame whose live parts are small polling client components. */
export default async function OverviewPage() {
  const messages = messagesFor(await requestLocale());
  const t = messages.overview;
  const topology = messages.topology;
  return (
    <main className="mx-auto max-w-screen-2xl space-y-4 px-4 py-6 sm:px-6">
      <header className="space-y-3">
        <div className="flex items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold">{t.title}</h1>
            <p className="text-sm text-slate-600 dark:text-slate-300">{t.subtitle}</p>
          </div>
          <LocaleSwitch />
        </div>
        <StatusHeader />
      </header>

      <AlertBanners />
      <KpiCards />
      <HistoryCharts />

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <SavingsPanel />
        <GraceEventsPanel />
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Card title={t.actions} id="actions" className="lg:col-span-2">
          <div className="grid gap-6 md:grid-cols-2">
            <div>
              <h3 className="mb-2 text-sm font-semibold">{t.clearCache}</h3>
              <ClearAction />
            </div>
            <div>
              <h3 className="mb-2 text-sm font-semibold">{t.warmUp}</h3>
              <WarmUpAction />
            </div>
            <div>
              <h3 className="mb-2 text-sm font-semibold">{t.retrainAll}</h3>
              <RetrainAllAction />
            </div>
          </div>
        </Card>
        <Card title={t.ttlSettings} id="ttl">
          <TtlSettings />
        </Card>
      </div>

      <Card title={t.jobs} id="jobs">
        <FailedJobs />
      </Card>

      <UsagePanels />

      <TuningPanel />

      <Card title={topology.title} id="topology">
        <RedisTopology />
      </Card>

      <Card title={t.products} id="products">
        <ProductList />
      </Card>
    </main>
  );
}
