'use client';
import { useState, type FormEvent } from 'react';
import type { TNotificationPreferences } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

type TPermission = NotificationPermission | 'unsupported';

const permissionNow = (): TPermission => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

/** The preferences form, and the browser's permission for notifications (asked once, on a click). */
export function NotificationPreferencesForm({ initial, csrfToken }: { initial: TNotificationPreferences; csrfToken: string }) {
  const [prefs, setPrefs] = useState(initial);
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const [permission, setPermission] = useState<TPermission | null>(null);
  const perm = permission ?? (typeof window === 'undefined' ? null : permissionNow());
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    try {
      const { emailOnResult, reminders, browser } = prefs;
      setPrefs(await sendJson<TNotificationPreferences>('PUT', '/api/me/notification-preferences', { emailOnResult, reminders, browser }, { csrfToken }));
      setOutcome({ ok: true, text: 'Saved.', lines: [] });
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  const ask = async () => {
    if (typeof Notification === 'undefined') return setPermission('unsupported');
    setPermission(await Notification.requestPermission());
  };
  const box = (name: 'emailOnResult' | 'reminders' | 'browser', label: string, disabled = false) => (
    <label className="checkbox">
      <input type="checkbox" name={name} checked={prefs[name]} disabled={disabled} onChange={(e) => setPrefs({ ...prefs, [name]: e.target.checked })} /> {label}
    </label>
  );
  return (
    <form
      className="card form"
      aria-labelledby="notifications-title"
      onSubmit={(e) => {
        save(e).catch(() => undefined);
      }}
    >
      <h2 id="notifications-title">What Epoch tells you</h2>
      {box('emailOnResult', 'E-mail me when a result is ready (passed, failed, rejected or not gradable)')}
      {box('reminders', 'E-mail me 24 hours before a deadline of an exercise I have not passed')}
      {!prefs.emailAvailable && (
        <p className="muted" data-testid="email-unavailable">
          This server has no mail server configured: e-mails are not sent until an administrator sets one up.
        </p>
      )}
      {box('browser', 'Browser notifications when a result is ready while an Epoch page is open (or the next time you open one)')}
      <p data-testid="browser-permission">
        {perm === 'granted' && 'This browser shows Epoch’s notifications.'}
        {perm === 'denied' && 'This browser blocks Epoch’s notifications; allow them in the site settings to get them.'}
        {perm === 'unsupported' && 'This browser cannot show notifications; results are announced on the page instead.'}
        {perm === 'default' && (
          <button
            type="button"
            onClick={() => {
              ask().catch(() => undefined);
            }}
          >
            Allow browser notifications
          </button>
        )}
      </p>
      <button type="submit">Save preferences</button>
      <Outcome outcome={outcome} id="preferences-outcome" />
    </form>
  );
}
