import { NotFoundPage } from '@/components/not-found-page';
import { messagesFor } from '@/lib/i18n/messages';
import { requestLocale } from '@/lib/i18n/request-locale';

/** An unknown product name in the URL: say so, and offer the way back. */
export default async function ProductNotFound() {
  return <NotFoundPage {...messagesFor(await requestLocale()).productNotFound} />;
}
