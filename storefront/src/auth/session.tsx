// The shopper's session for React: who is signed in, and the sign-in,
// registration and sign-out actions. The access token stays inside the API
// client's memory; on a page load the session is restored from the refresh
// cookie. A guest's cart moves into the account on sign-in.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, type SessionUser } from '../api/client';
import { storeCart } from '../api/keys';

export type SessionStatus = 'restoring' | 'signed-in' | 'guest';

interface SessionValue {
  status: SessionStatus;
  user: SessionUser | null;
  signIn: (email: string, password: string) => Promise<SessionUser>;
  register: (input: { email: string; password: string; name: string }) => Promise<SessionUser>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [user, setUser] = useState<SessionUser | null>(api.currentUser);
  const [restored, setRestored] = useState(api.signedIn);

  useEffect(() => {
    const off = api.onSessionChange((u) => {
      setUser(u);
      client.removeQueries({ queryKey: ['me'] });
      client.removeQueries({ queryKey: ['orders'] });
      client.removeQueries({ queryKey: ['order'] });
      client.removeQueries({ queryKey: ['admin'] });
      void client.invalidateQueries({ queryKey: ['cart'] });
    });
    if (!api.signedIn) {
      void api.refreshSession().finally(() => setRestored(true));
    }
    return () => {
      off();
    };
  }, [client]);

  const value = useMemo<SessionValue>(() => {
    const mergeGuestCart = async () => {
      if (!api.cartToken) return;
      try {
        const cart = await api.request('post', '/api/cart/merge', {});
        // The session change (the effect above) refetches the cart, and its answer can
        // arrive after the merge's and show the account's cart as it was
        // before: cancel it first (cancelling puts the old state back, so
        // it must finish before the merged cart is stored).
        await client.cancelQueries({ queryKey: ['cart'] });
        storeCart(client, cart);
      } finally {
        api.setCartToken(null);
      }
    };
    const signedIn = async (session: Promise<SessionUser>) => {
      const u = await session;
      await mergeGuestCart();
      return u;
    };
    return {
      status: !restored ? 'restoring' : user ? 'signed-in' : 'guest',
      user,
      signIn: (email, password) => signedIn(api.login(email, password)),
      register: (input) => signedIn(api.register(input)),
      signOut: async () => {
        await api.logout();
        client.removeQueries({ queryKey: ['cart'] });
      },
    };
  }, [client, restored, user]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
