import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { NavigationProgress } from '../components/navigation-progress';
import { SiteHeader } from '../components/site-header';
import './globals.css';

export const metadata: Metadata = { title: 'Epoch', description: 'Hands-on deep learning, graded' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <NavigationProgress />
        <SiteHeader />
        <main id="main" className="page">
          {children}
        </main>
      </body>
    </html>
  );
}
