import { useEffect } from 'react';

/** Sets the document title ("Cart · Edgecart"), so tabs and screen readers name the page. */
export function useTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Edgecart` : 'Edgecart';
  }, [title]);
}
