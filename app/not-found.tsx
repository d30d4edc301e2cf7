import { NotFoundPage } from '@/components/not-found-page';
import { messagesFor } from '@/lib/i18n/messages';
import { requestLocale } from '@/lib/i18n/request-locale';

/** Any page path the service does not have (API paths answer JSON 404s of their own). */
export default async function NotFound() {
  return <NotFoundPage {...messagesFor(await requestLocale()).notFound} />;
}
