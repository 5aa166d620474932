import { redirect } from 'next/navigation';
import { ApiError } from './api-client';

/** Turns the API's 401 into a trip to the sign-in page that comes back here afterwards. */
export function signInOn401(back: string) {
  return (e: unknown): never => {
    if (e instanceof ApiError && e.status === 401) redirect(`/sign-in?next=${encodeURIComponent(back)}`);
    throw e;
  };
}
