import type { Metadata } from 'next';
import { api, ApiError } from '../../../lib/api-client';
import { signInOn401 } from '../../../lib/require-user';
import { NotificationPreferencesForm } from '../../../components/notification-preferences';

export const metadata: Metadata = { title: 'Notifications · Epoch' };
export const dynamic = 'force-dynamic';

export default async function NotificationsPage() {
  const me = await api.me();
  if (!me) return signInOn401('/account/notifications')(new ApiError(401, 'sign in'));
  const prefs = await api.notificationPreferences();
  return (
    <div className="narrow">
      <h1>Notifications</h1>
      <NotificationPreferencesForm initial={prefs} csrfToken={me.csrfToken} />
    </div>
  );
}
