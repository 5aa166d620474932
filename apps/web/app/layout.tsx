import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = { title: 'Epoch', description: 'Hands-on deep learning, graded' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">Epoch</Link>
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
