'use client';

import { Banner } from '../ui/banner';
import { formatClock } from '../format';
import { useCacheInfo } from '../use-api';

/**
 * The server's alerts (README, "Monitoring and runbook"), as banners: each says what happened, what it means and what to do.
 * They come and go with the numbers, since they are re-read on every poll. When the API itself cannot be read,
 * that is said first, and the numbers on the page are marked as not live.
 */
export function AlertBanners() {
  const { data, error } = useCacheInfo();

  return (
    <div className="space-y-2" data-testid="alerts">
      {error ? (
        <Banner tone="critical" role="alert" title="Dashboard cannot refresh" testId="alert-api-unreachable">
          <p>{error.message}.</p>
          <p>
            {data
              ? `The numbers below are from ${formatClock(data.generated_at)} and are not live.`
              : 'No numbers can be shown until the API answers.'}{' '}
            Check that the service is running and look at its log (<code>logs/ai_service.log</code>).
          </p>
        </Banner>
      ) : null}
      {data?.alerts.map((alert) => (
        <Banner
          key={alert.code}
          tone={alert.severity === 'critical' ? 'critical' : 'warning'}
          role="alert"
          title={alert.title}
          testId={`alert-${alert.code}`}
        >
          <p>{alert.message}</p>
          <p>
            <span className="font-semibold">What to do: </span>
            {alert.hint}
          </p>
        </Banner>
      ))}
    </div>
  );
}
