'use client';

import type { CacheAlert, CacheInfo } from '@/lib/api-types';
import type { Messages } from '@/lib/i18n/messages';
import { Banner } from '../ui/banner';
import type { Format } from '../format';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useCacheInfo } from '../use-api';

/**
 * What an alert says, in the page's language. The API's alert carries English title/message/hint for scripts; the
 * dashboard words its own from the alert's code and numbers (value, threshold, the lookup count of the same answer).
 */
function alertMessage(alert: CacheAlert, info: CacheInfo, t: Messages['alerts'], format: Format): string {
  switch (alert.code) {
    case 'redis_down':
      return t.redis_down.message();
    case 'low_hit_rate':
      return t.low_hit_rate.message(format.percent(alert.value), format.int(info.hits + info.misses), format.percent(alert.threshold, 0));
    case 'high_memory':
      return t.high_memory.message(format.bytes(alert.value), format.bytes(alert.threshold));
  }
}

/**
 * The server's alerts (README, "Monitoring and runbook"), as banners: each says what happened, what it means and what to do.
 * They come and go with the numbers, since they are re-read on every poll. When the API itself cannot be read,
 * that is said first, and the numbers on the page are marked as not live.
 */
export function AlertBanners() {
  const { data, error } = useCacheInfo();
  const t = useMessages().alerts;
  const format = useFormat();
  const errorText = useErrorText();

  return (
    <div className="space-y-2" data-testid="alerts">
      {error ? (
        <Banner tone="critical" role="alert" title={t.apiUnreachable} testId="alert-api-unreachable">
          <p>{errorText(error)}.</p>
          <p>
            {data ? t.staleSince(format.clock(data.generated_at)) : t.noNumbers} {t.checkLog} <code>logs/ai_service.log</code>.
          </p>
        </Banner>
      ) : null}
      {data?.alerts.map((alert) => (
        <Banner
          key={alert.code}
          tone={alert.severity === 'critical' ? 'critical' : 'warning'}
          role="alert"
          title={t[alert.code].title}
          testId={`alert-${alert.code}`}
        >
          <p>{alertMessage(alert, data, t, format)}</p>
          <p>
            <span className="font-semibold">{t.whatToDo} </span>
            {t[alert.code].hint}
          </p>
        </Banner>
      ))}
    </div>
  );
}
