// Generated from docs/api/openapi.yaml by scripts/api-types.mjs (npm run api:types).
// Do not edit: change the OpenAPI document and regenerate.

export interface paths {
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The public keys that verify access tokens, by kid. */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a customer account and sign it in.
         * @description Answers the same session as login (access token in the body, refresh token
         *     in the cookie), so a new customer needs no second request, and the password
         *     is hashed once.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in; returns an access token and sets the refresh cookie.
         * @description A wrong password and an unknown email give the same 401. After 5 failures
         *     for one email (or 20 from one address) within 15 minutes, 429 with Retry-After.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange the refresh token for a new access token; rotates the refresh token.
         * @description The refresh token comes from the `edgecart_refresh` cookie, or from the body
         *     for non-browser clients. Each refresh token works once; presenting a used one
         *     revokes every token of its session family (401 `refresh_token_reused`),
         *     except within `refresh_reuse_grace` seconds of its use (default 30; `0`
         *     turns it off), when it answers another new token of the same family: a
         *     client whose refresh answer was lost keeps its session.
         */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the session of the refresh token and clear the cookie. */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in account with its addresses. */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change name or phone. */
        patch: operations["updateMe"];
        trace?: never;
    };
    "/api/users/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the password; ends every session (refresh token) of the account. */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/addresses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's addresses, default first. */
        get: operations["listAddresses"];
        put?: never;
        /** Add an address (at most 20 per account). */
        post: operations["addAddress"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/addresses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an address. */
        delete: operations["deleteAddress"];
        options?: never;
        head?: never;
        /** Change some fields of an address. */
        patch: operations["updateAddress"];
        trace?: never;
    };
    "/api/users/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a single-use reset link (valid 30 minutes) to the email, if it has an account.
         * @description The answer is the same whether or not the email has an account.
         */
        post: operations["requestPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with a reset token; ends every session. */
        post: operations["confirmPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts, newest first (admin). */
        get: operations["adminListUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change an account's role (admin). */
        patch: operations["adminSetRole"];
        trace?: never;
    };
    "/api/users/admin/outbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Messages the shop has queued (reset links), newest first (admin). */
        get: operations["adminOutbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The category tree with active product counts (descendants included). */
        get: operations["listCategories"];
        put?: never;
        /** Create a category (admin). */
        post: operations["createCategory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/categories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an empty category (admin); 409 if it has children or products. */
        delete: operations["deleteCategory"];
        options?: never;
        head?: never;
        /** Rename, move or reorder a category (admin); a move that makes a cycle is 422. */
        patch: operations["updateCategory"];
        trace?: never;
    };
    "/api/catalog/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search and filter products, with facet counts and cursor pagination.
         * @description `q` is full-text over title (weighted higher) and description, each term
         *     prefix-matched. Filters combine with AND. Facets count over the whole
         *     filtered result, not just the page. Only active products are listed;
         *     admins may ask for `status=draft|archived|any`.
         */
        get: operations["listProducts"];
        put?: never;
        /**
         * Create a product with its variants (admin).
         * @description With an `Idempotency-Key`, a retry with the same body gets the first response (header `Idempotent-Replayed`); the same key with another body is 422 `idempotency_key_reused`.
         */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/products/{idOrSlug}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id or slug. */
                idOrSlug: string;
            };
            cookie?: never;
        };
        /** A product with its variants; drafts and archived products are 404 except for admins. */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        /** Archive a product (admin); it disappears from public reads. */
        delete: operations["archiveProduct"];
        options?: never;
        head?: never;
        /** Change some fields of a product (admin). */
        patch: operations["updateProduct"];
        trace?: never;
    };
    "/api/catalog/products/{idOrSlug}/variants": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                idOrSlug: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a variant to a product (admin). */
        post: operations["addVariant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/catalog/variants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a variant (admin).
         * @description A product keeps at least one variant (409 `last_variant`: archive the product instead), and a variant whose stock a checkout in progress holds stays until that checkout ends (409 `variant_reserved`). Carts holding the variant show it as no longer sold; past orders keep their copy.
         */
        delete: operations["deleteVariant"];
        options?: never;
        head?: never;
        /** Change a variant's SKU, price, on-hand stock or options (admin). */
        patch: operations["updateVariant"];
        trace?: never;
    };
    "/api/catalog/variants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Variants by id with their product's title, status and price (what the cart reads). */
        get: operations["getVariants"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/catalog/reservations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hold stock for a checkout, all lines or none; idempotent by key. */
        post: operations["reserveStock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/catalog/reservations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get: operations["getReservation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/catalog/reservations/{id}/commit": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn a hold into a sale (on-hand stock decreases); idempotent. */
        post: operations["commitReservation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/catalog/reservations/{id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give a hold back; idempotent. */
        post: operations["releaseReservation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The shopper's cart with the catalog's prices, per-line notices and totals.
         * @description Signed in (bearer token): the user's cart. Otherwise the guest cart named by
         *     `X-Cart-Token`; none or an unknown token is an empty cart. Prices, stock and
         *     status are the catalog's answer from the cart's last change or refresh while
         *     it is younger than the `cart_price_max_age` variable (seconds, default 60);
         *     an older answer is asked again. A price change since the shopper last saw
         *     the line is told once (`price_changed`).
         */
        get: operations["getCart"];
        put?: never;
        post?: never;
        /** Remove every line. */
        delete: operations["emptyCart"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cart/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a quantity of a variant (summed with what is there, up to 999 and the stock).
         * @description Without a signed-in user or a known X-Cart-Token, a guest cart is created; its token is in the body (`cart_token`) and the X-Cart-Token header, once.
         */
        post: operations["addCartItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cart/items/{variantId}": {
        parameters: {
            query?: never;
            header?: {
                /** @description A guest cart's token, as returned when the cart was created. */
                "X-Cart-Token"?: components["parameters"]["CartToken"];
            };
            path: {
                variantId: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a line. */
        delete: operations["removeCartItem"];
        options?: never;
        head?: never;
        /** Set a line's quantity. */
        patch: operations["setCartItemQuantity"];
        trace?: never;
    };
    "/api/cart/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * After sign-in, move the guest cart (X-Cart-Token) into the user's cart.
         * @description Quantities are summed and capped by the stock available; `merge_notices` lists lines that were capped. The guest cart is deleted.
         */
        post: operations["mergeCart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/cart/users/{userId}/clear": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Remove what an order bought from the user's cart, once per key (the saga's last step). */
        post: operations["clearBoughtItems"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn the cart into an order; the host's saga then reserves stock, takes payment and marks it paid.
         * @description Requires `Idempotency-Key`: the same key and body return the same order
         *     (header `Idempotent-Replayed`), the same key with another body is 422. The
         *     order starts `pending_payment`; poll `GET /api/orders/{id}` until it is
         *     `paid` or `payment_failed` / `cancelled` (with `reason`).
         */
        post: operations["checkout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My orders, newest first. */
        get: operations["listMyOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/admin/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every order, newest first (admin). */
        get: operations["adminListOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        /** One of my orders (any order for admins) with its status timeline. */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}/fulfilment": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move a paid order through processing → shipped (tracking number) → delivered (admin). */
        post: operations["fulfilOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a paid or processing order and refund what is left of its payment (admin).
         * @description The order becomes `cancelled` and a refund of everything not yet refunded is queued for the payment gateway (see `refunds` on the order). Cancelling a cancelled order again changes nothing, except that a refund that failed is asked for again. Shipped orders cannot be cancelled: refund them instead. Stock is not returned automatically.
         */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refund a paid, processing, shipped or delivered order in full or in part (admin).
         * @description Queues a refund of `amount` minor units (default: all that is not yet refunded or being refunded) and answers 202. The host's payment gateway pays it out with the refund's id as its idempotency key; then the refund is `succeeded` (or `failed`, with the gateway's message), the order's `amount_refunded` grows, and an order refunded in full becomes `refunded`. Requires `Idempotency-Key`: the same key and body return the first answer; the same key with another body is 422 `idempotency_key_reused`.
         */
        post: operations["refundOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/media/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a product image (admin); answers with the URLs of the original and its resized variants.
         * @description Multipart form with the image in the field `file` (at most 8 MiB). The format is sniffed from the bytes (PNG, JPEG, WebP, GIF), not taken from the declared content type. Images that declare more than 40 million pixels or a side longer than 12,000 px are refused before decoding. `medium` fits 1024×1024 and `thumb` 320×320 (JPEG, or PNG when the image has transparency). The id is derived from the bytes, so uploading the same image again returns the same URLs. Use a URL in a product's `images[].url`.
         */
        post: operations["uploadImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/media/images/{id}/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description `original|medium|thumb` and the extension from the upload's `urls`. */
                file: string;
            };
            cookie?: never;
        };
        /** An image file; cached for a year (`immutable`) with a strong ETag. */
        get: operations["getImage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe's webhook endpoint (served by the host); register it in Stripe with the events you want.
         * @description Verifies `Stripe-Signature` (HMAC-SHA256 over `t.payload`, 300 s tolerance) with `STRIPE_WEBHOOK_SECRET`, records each event id once (a redelivery answers `duplicate: true`), and on `payment_intent.*` and `charge.*` events wakes the checkout sagas waiting on the gateway.
         */
        post: operations["stripeWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/orders/pending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Orders waiting for the checkout saga, oldest first (at most 100). */
        get: operations["pendingOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/orders/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The saga records payment (paid) or failure (payment_failed, cancelled); repeating a status changes nothing. */
        post: operations["setOrderStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/orders/refunds/pending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Refunds waiting for the payment gateway, oldest first (at most 100). */
        get: operations["pendingRefunds"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/orders/refunds/{id}/result": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The host records what the gateway did with a refund; repeating the same result changes nothing. */
        post: operations["recordRefundResult"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        UploadedImage: {
            id: string;
            width: number;
            height: number;
            /** @enum {string} */
            content_type: "image/png" | "image/jpeg" | "image/webp" | "image/gif";
            bytes: number;
            urls: {
                /** @example /media/images/0123456789abcdef0123456789abcdef/original.png */
                original: string;
                medium: string;
                thumb: string;
            };
        };
        Error: {
            error: {
                /** @example validation_failed */
                code: string;
                message: string;
                details?: {
                    fields?: {
                        [key: string]: string;
                    };
                };
            };
        };
        /** @description Seconds since the Unix epoch. */
        Timestamp: number;
        /** @enum {string} */
        Role: "customer" | "admin";
        Phone: string;
        User: {
            id: number;
            email: string;
            name: string;
            phone: string;
            role: components["schemas"]["Role"];
            created_at: components["schemas"]["Timestamp"];
        };
        Me: components["schemas"]["User"] & {
            addresses: components["schemas"]["Address"][];
        };
        Session: {
            access_token: string;
            /** @constant */
            token_type: "Bearer";
            /** @description Seconds the access token is valid. */
            expires_in: number;
            user: components["schemas"]["User"];
        };
        AddressInput: {
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postal_code: string;
            region?: string;
            /** @description ISO 3166-1 alpha-2. */
            country: string;
            phone?: components["schemas"]["Phone"];
            is_default?: boolean;
        };
        AddressPatch: {
            name?: string;
            line1?: string;
            line2?: string;
            city?: string;
            postal_code?: string;
            region?: string;
            country?: string;
            phone?: components["schemas"]["Phone"];
            is_default?: boolean;
        };
        Address: {
            id: number;
            name: string;
            line1: string;
            line2: string;
            city: string;
            postal_code: string;
            region: string;
            country: string;
            phone: string;
            is_default: boolean;
            created_at: components["schemas"]["Timestamp"];
        };
        Jwks: {
            keys: {
                /** @constant */
                kty: "OKP";
                /** @constant */
                crv: "Ed25519";
                /** @constant */
                alg: "EdDSA";
                /** @constant */
                use: "sig";
                kid: string;
                x: string;
            }[];
        };
        Money: {
            /** @description Minor units (cents). */
            amount: number;
            currency: string;
        };
        CategoryRef: {
            id: number;
            slug: string;
            name: string;
        } | null;
        Category: {
            id: number;
            slug: string;
            name: string;
            parent_id: number | null;
            position: number;
        };
        CategoryNode: components["schemas"]["Category"] & {
            product_count: number;
            children: components["schemas"]["CategoryNode"][];
        };
        CategoryInput: {
            name: string;
            slug?: string;
            parent_id?: number | null;
            position?: number;
        };
        CategoryPatch: {
            name?: string;
            slug?: string;
            parent_id?: number | null;
            position?: number;
        };
        Image: {
            url: string;
            alt: string;
        };
        Options: {
            [key: string]: string;
        };
        Variant: {
            id: number;
            sku: string;
            price: components["schemas"]["Money"];
            /** @description Available now (on hand minus unexpired holds). */
            stock: number;
            options: components["schemas"]["Options"];
        };
        VariantInput: {
            sku: string;
            price: number;
            currency?: string;
            stock: number;
            options?: components["schemas"]["Options"];
        };
        VariantPatch: {
            sku?: string;
            price?: number;
            stock?: number;
            options?: components["schemas"]["Options"];
        };
        VariantLookup: {
            id: number;
            sku: string;
            product_id: number;
            product_slug: string;
            product_title: string;
            status: components["schemas"]["ProductStatus"];
            price: components["schemas"]["Money"];
            stock: number;
            options: components["schemas"]["Options"];
            image: string | null;
        };
        /** @enum {string} */
        ProductStatus: "draft" | "active" | "archived";
        Product: {
            id: number;
            slug: string;
            title: string;
            description: string;
            status: components["schemas"]["ProductStatus"];
            category: components["schemas"]["CategoryRef"];
            tags: string[];
            images: components["schemas"]["Image"][];
            variants: components["schemas"]["Variant"][];
            price: {
                min: components["schemas"]["Money"];
                max: components["schemas"]["Money"];
            };
            in_stock: boolean;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        ProductInput: {
            title: string;
            slug?: string;
            description?: string;
            status?: components["schemas"]["ProductStatus"];
            category_id?: number | null;
            tags?: string[];
            images?: components["schemas"]["Image"][];
            variants: components["schemas"]["VariantInput"][];
        };
        ProductPatch: {
            title?: string;
            slug?: string;
            description?: string;
            status?: components["schemas"]["ProductStatus"];
            category_id?: number | null;
            tags?: string[];
            images?: components["schemas"]["Image"][];
        };
        ProductSummary: {
            id: number;
            slug: string;
            title: string;
            price: components["schemas"]["Money"];
            image: string | null;
            in_stock: boolean;
            tags: string[];
            category: components["schemas"]["CategoryRef"];
        };
        FacetCount: {
            value: string;
            count: number;
        };
        ProductList: {
            items: components["schemas"]["ProductSummary"][];
            next_cursor: string | null;
            total: number;
            facets: {
                categories: {
                    id: number;
                    slug: string;
                    name: string;
                    count: number;
                }[];
                tags: components["schemas"]["FacetCount"][];
                options: {
                    [key: string]: components["schemas"]["FacetCount"][];
                };
                price: {
                    min: components["schemas"]["Money"] | null;
                    max: components["schemas"]["Money"] | null;
                };
            };
        };
        ReservationLine: {
            variant_id: number;
            sku: string;
            quantity: number;
            unit_price: components["schemas"]["Money"];
        };
        Reservation: {
            id: number;
            key: string;
            /** @enum {string} */
            status: "held" | "expired" | "committed" | "released";
            expires_at: components["schemas"]["Timestamp"];
            lines: components["schemas"]["ReservationLine"][];
        };
        Notice: {
            /** @enum {string} */
            code: "price_changed" | "insufficient_stock" | "unavailable" | "quantity_capped";
            message: string;
            previous?: components["schemas"]["Money"];
            available?: number;
            variant_id?: number;
        };
        CartLine: {
            variant_id: number;
            sku?: string | null;
            product_id?: number | null;
            product_slug?: string | null;
            title?: string | null;
            options?: {
                [key: string]: string;
            } | null;
            image?: string | null;
            quantity: number;
            available?: number;
            unit_price?: components["schemas"]["Money"] | null;
            line_total?: components["schemas"]["Money"] | null;
            notices: components["schemas"]["Notice"][];
        };
        Cart: {
            /** @description Only when this response created a guest cart. */
            cart_token: string | null;
            currency: string;
            country: string;
            lines: components["schemas"]["CartLine"][];
            item_count: number;
            subtotal: components["schemas"]["Money"];
            shipping: components["schemas"]["Money"];
            /** @example 19% */
            tax_rate: string;
            tax: components["schemas"]["Money"];
            total: components["schemas"]["Money"];
            /** @description False when a line is unavailable or short of stock. */
            checkout_ready: boolean;
        };
        /** @enum {string} */
        OrderStatus: "pending_payment" | "paid" | "payment_failed" | "processing" | "shipped" | "delivered" | "cancelled" | "refunded";
        ShippingAddress: {
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postal_code: string;
            region?: string;
            phone?: string;
            country: string;
        };
        Order: {
            id: number;
            user_id: number;
            status: components["schemas"]["OrderStatus"];
            currency: string;
            subtotal: components["schemas"]["Money"];
            shipping: components["schemas"]["Money"];
            tax: components["schemas"]["Money"];
            total: components["schemas"]["Money"];
            amount_refunded: components["schemas"]["Money"];
            country: string;
            address: Record<string, never>;
            payment_method: string;
            payment_id: string | null;
            /** @description Why a checkout failed. */
            reason: string | null;
            tracking_number: string | null;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
            lines: {
                variant_id: number;
                sku: string;
                title: string;
                options: unknown;
                quantity: number;
                unit_price: components["schemas"]["Money"];
                line_total: components["schemas"]["Money"];
            }[];
            timeline: {
                status: components["schemas"]["OrderStatus"];
                note: string | null;
                at: components["schemas"]["Timestamp"];
            }[];
            refunds: {
                id: number;
                amount: components["schemas"]["Money"];
                reason: string | null;
                /** @enum {string} */
                status: "pending" | "succeeded" | "failed";
                /** @description The gateway's message when the refund failed. */
                error: string | null;
                created_at: components["schemas"]["Timestamp"];
                updated_at: components["schemas"]["Timestamp"];
            }[];
        };
    };
    responses: {
        /** @description Signed in. The refresh token is in the Set-Cookie header. */
        Session: {
            headers: {
                /** @description edgecart_refresh=<token>; Path=/api/users; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict */
                "Set-Cookie"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Session"];
            };
        };
        /** @description A page of orders. */
        OrderPage: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    items: components["schemas"]["Order"][];
                    next_cursor: string | null;
                };
            };
        };
        /** @description The request could not be read (malformed JSON, bad cursor). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No valid credentials (missing, expired, tampered, unknown key). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Signed in without the role this route needs. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such resource. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Conflicts with the current state (duplicate, not empty, wrong status). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Some fields are invalid; details.fields says which and why. */
        Invalid: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A service this request needs (the catalog) is unavailable; retry. */
        Unavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many attempts. */
        RateLimited: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description Page size, 1 to 100. */
        Limit: number;
        /** @description A guest cart's token, as returned when the cart was created. */
        CartToken: string;
        /** @description The `next_cursor` of the previous page. */
        Cursor: string;
    };
    requestBodies: never;
    headers: {
        /** @description Strong validator of the body; send it back as If-None-Match. */
        ETag: string;
        /** @description Seconds to wait before retrying. */
        RetryAfter: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The JSON Web Key Set. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
            /** @description Not modified (If-None-Match matched). */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    /** @description 10-128 characters, not a well-known password, not the email. */
                    password: string;
                    name?: string;
                };
            };
        };
        responses: {
            /** @description The new account, signed in. The refresh token is in the Set-Cookie header. */
            201: {
                headers: {
                    /** @description edgecart_refresh=<token>; Path=/api/users; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            400: components["responses"]["BadRequest"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            200: components["responses"]["Session"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["RateLimited"];
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    refresh_token?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["Session"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    refresh_token?: string;
                };
            };
        };
        responses: {
            /** @description Signed out (also when the token was unknown or already revoked). */
            204: {
                headers: {
                    /** @description Clears edgecart_refresh. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    phone?: components["schemas"]["Phone"];
                };
            };
        };
        responses: {
            /** @description The updated account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    current_password: string;
                    new_password: string;
                };
            };
        };
        responses: {
            /** @description Changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
        };
    };
    listAddresses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The addresses. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Address"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
        };
    };
    addAddress: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddressInput"];
            };
        };
        responses: {
            /** @description The new address. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Address"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    deleteAddress: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
        };
    };
    updateAddress: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddressPatch"];
            };
        };
        responses: {
            /** @description The updated address. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Address"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
        };
    };
    requestPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                };
            };
        };
        responses: {
            /** @description Accepted. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        message: string;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            422: components["responses"]["Invalid"];
        };
    };
    confirmPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Password changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            422: components["responses"]["Invalid"];
        };
    };
    adminListUsers: {
        parameters: {
            query?: {
                /** @description Substring of the email. */
                email?: string;
                /** @description Page size, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of accounts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["User"][];
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
        };
    };
    adminSetRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    role: components["schemas"]["Role"];
                };
            };
        };
        responses: {
            /** @description The account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    adminOutbox: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100. */
                limit?: components["parameters"]["Limit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The newest messages. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: number;
                            recipient: string;
                            subject: string;
                            body: string;
                            created_at: components["schemas"]["Timestamp"];
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
        };
    };
    listCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Root categories with nested children. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["CategoryNode"][];
                    };
                };
            };
            /** @description Not modified. */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    createCategory: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CategoryInput"];
            };
        };
        responses: {
            /** @description The new category. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Category"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    deleteCategory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    updateCategory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CategoryPatch"];
            };
        };
        responses: {
            /** @description The category. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Category"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    listProducts: {
        parameters: {
            query?: {
                q?: string;
                /** @description Category slug or id; includes descendants. */
                category?: string;
                /** @description Repeatable or comma-separated; a product must have every tag. */
                tag?: string[];
                /** @description Minor units */
                min_price?: number;
                max_price?: number;
                in_stock?: boolean;
                sort?: "relevance" | "newest" | "price_asc" | "price_desc";
                /** @description Admins only. */
                status?: "active" | "draft" | "archived" | "any";
                /** @description Page size, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of products and the facets of the whole result. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductList"];
                };
            };
            /** @description Not modified. */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductInput"];
            };
        };
        responses: {
            /** @description The new product. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id or slug. */
                idOrSlug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Not modified. */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
        };
    };
    archiveProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id or slug. */
                idOrSlug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archived product. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Numeric id or slug. */
                idOrSlug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductPatch"];
            };
        };
        responses: {
            /** @description The product. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    addVariant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                idOrSlug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VariantInput"];
            };
        };
        responses: {
            /** @description The new variant. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Variant"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    deleteVariant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product without the variant. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    updateVariant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VariantPatch"];
            };
        };
        responses: {
            /** @description The variant. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Variant"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    getVariants: {
        parameters: {
            query: {
                /** @description Comma-separated ids */
                ids: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The variants that exist; unknown ids are absent. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["VariantLookup"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            422: components["responses"]["Invalid"];
        };
    };
    reserveStock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    key: string;
                    ttl_seconds?: number;
                    lines: {
                        variant_id: number;
                        quantity: number;
                    }[];
                };
            };
        };
        responses: {
            /** @description This key was used before; its reservation as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reservation"];
                };
            };
            /** @description Held. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reservation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    getReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reservation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reservation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
        };
    };
    commitReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Committed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reservation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    releaseReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Released. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reservation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    getCart: {
        parameters: {
            query?: {
                /** @description ISO 3166 code for tax (default from the shop's variables). */
                country?: string;
            };
            header?: {
                /** @description A guest cart's token, as returned when the cart was created. */
                "X-Cart-Token"?: components["parameters"]["CartToken"];
                /** @description `max-age=<seconds>` lowers the age of catalog data the view may show; `no-cache` (or `max-age=0`) asks the catalog now. It cannot raise `cart_price_max_age`. */
                "Cache-Control"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cart. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["Invalid"];
            503: components["responses"]["Unavailable"];
        };
    };
    emptyCart: {
        parameters: {
            query?: never;
            header?: {
                /** @description A guest cart's token, as returned when the cart was created. */
                "X-Cart-Token"?: components["parameters"]["CartToken"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Emptied (also when there was no cart). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
        };
    };
    addCartItem: {
        parameters: {
            query?: never;
            header?: {
                /** @description A guest cart's token, as returned when the cart was created. */
                "X-Cart-Token"?: components["parameters"]["CartToken"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    variant_id: number;
                    quantity: number;
                };
            };
        };
        responses: {
            /** @description The cart. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            /** @description A new guest cart with its token. */
            201: {
                headers: {
                    /** @description The guest cart's token. */
                    "X-Cart-Token"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
            503: components["responses"]["Unavailable"];
        };
    };
    removeCartItem: {
        parameters: {
            query?: never;
            header?: {
                /** @description A guest cart's token, as returned when the cart was created. */
                "X-Cart-Token"?: components["parameters"]["CartToken"];
            };
            path: {
                variantId: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cart. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            503: components["responses"]["Unavailable"];
        };
    };
    setCartItemQuantity: {
        parameters: {
            query?: never;
            header?: {
                /** @description A guest cart's token, as returned when the cart was created. */
                "X-Cart-Token"?: components["parameters"]["CartToken"];
            };
            path: {
                variantId: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    quantity: number;
                };
            };
        };
        responses: {
            /** @description The cart. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
            503: components["responses"]["Unavailable"];
        };
    };
    mergeCart: {
        parameters: {
            query?: never;
            header?: {
                /** @description A guest cart's token, as returned when the cart was created. */
                "X-Cart-Token"?: components["parameters"]["CartToken"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user's cart. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"] & {
                        merge_notices: components["schemas"]["Notice"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["Invalid"];
            503: components["responses"]["Unavailable"];
        };
    };
    clearBoughtItems: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    key: string;
                    lines: {
                        variant_id: number;
                        quantity: number;
                    }[];
                };
            };
        };
        responses: {
            /** @description Whether this call applied the change (false for a repeated key). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        applied: boolean;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
        };
    };
    checkout: {
        parameters: {
            query?: never;
            header: {
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @example pm_card_visa */
                    payment_method: string;
                    address: components["schemas"]["ShippingAddress"];
                };
            };
        };
        responses: {
            /** @description The order, waiting for payment. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
            503: components["responses"]["Unavailable"];
        };
    };
    listMyOrders: {
        parameters: {
            query?: {
                status?: components["schemas"]["OrderStatus"];
                /** @description Page size, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["OrderPage"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["Invalid"];
        };
    };
    adminListOrders: {
        parameters: {
            query?: {
                status?: components["schemas"]["OrderStatus"];
                /** @description Page size, 1 to 100. */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["OrderPage"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
        };
    };
    fulfilOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "processing" | "shipped" | "delivered";
                    tracking_number?: string;
                };
            };
        };
        responses: {
            /** @description The order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description The cancelled order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    refundOrder: {
        parameters: {
            query?: never;
            header: {
                "Idempotency-Key": string;
            };
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Minor units; at most what is not yet refunded. */
                    amount?: number;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description The order, with the new refund `pending`. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    uploadImage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: binary */
                    file: string;
                };
            };
        };
        responses: {
            /** @description The stored image. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadedImage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description The file is larger than 8 MiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The file is not a PNG, JPEG, WebP or GIF image (`not_an_image`). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many pixels (`image_too_large`) or a damaged image (`image_corrupt`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    getImage: {
        parameters: {
            query?: never;
            header?: {
                "If-None-Match"?: string;
            };
            path: {
                id: string;
                /** @description `original|medium|thumb` and the extension from the upload's `urls`. */
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The image. */
            200: {
                headers: {
                    ETag?: string;
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": string;
                    "image/png": string;
                    "image/webp": string;
                    "image/gif": string;
                };
            };
            /** @description Not modified. */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    stripeWebhook: {
        parameters: {
            query?: never;
            header: {
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    /** @example payment_intent.succeeded */
                    type: string;
                    data?: Record<string, never>;
                };
            };
        };
        responses: {
            /** @description Received. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        received: boolean;
                        duplicate: boolean;
                    };
                };
            };
            /** @description A bad signature (`bad_signature`) or not a Stripe event (`bad_event`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No webhook secret is configured (`webhooks_not_configured`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    pendingOrders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The orders. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Order"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
        };
    };
    setOrderStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "paid" | "payment_failed" | "cancelled";
                    reason?: string;
                    payment_id?: string;
                };
            };
        };
        responses: {
            /** @description The order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
    pendingRefunds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The refunds. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: number;
                            order_id: number;
                            amount: components["schemas"]["Money"];
                            payment_id: string | null;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
        };
    };
    recordRefundResult: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "succeeded" | "failed";
                    gateway_id?: string;
                    error?: string;
                };
            };
        };
        responses: {
            /** @description The refund's order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
        };
    };
}
