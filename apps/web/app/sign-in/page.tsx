import type { Metadata } from 'next';
import { SignInForm } from '../../components/sign-in-form';

export const metadata: Metadata = { title: 'Sign in · Epoch' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <SignInForm next={typeof next === 'string' ? next : undefined} />
    </div>
  );
}
