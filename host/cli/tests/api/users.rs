//! The users component through `edgecart`: registration, sign-in, tokens, sessions,
//! profile, addresses, password reset, roles and rate limits.

use crate::helpers::spawn_app_at;
use crate::shop::{
    ADMIN_EMAIL, ADMIN_PASSWORD, SERVICE_TOKEN, refresh_cookie, shop_manifest, spawn_shop,
    spawn_shop_with,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::Signer as _;
use reqwest::Method;
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough passphrase";

fn key_pair(seed: u8) -> (String, String, ed25519_dalek::SigningKey) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    (
        B64.encode([seed; 32]),
        B64.encode(key.verifying_key().to_bytes()),
        key,
    )
}

/// A JWT signed by `key` with the given header and claims, built by hand so the
/// tests do not share code with the component they test.
fn mint(key: &ed25519_dalek::SigningKey, header: Value, claims: Value) -> String {
    let signing_input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let sig = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", B64.encode(sig.to_bytes()))
}

fn claims(sub: i64, role: &str, iat: i64, exp: i64) -> Value {
    json!({ "sub": sub.to_string(), "role": role, "iat": iat, "exp": exp, "iss": "edgecart", "aud": "edgecart-api" })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn register(
    app: &crate::helpers::TestApp,
    email: &str,
    password: &str,
) -> crate::shop::Answer {
    app.call(
        Method::POST,
        "/api/users/register",
        None,
        Some(json!({ "email": email, "password": password, "name": "Ann" })),
    )
    .await
}

#[tokio::test]
async fn registration_validates_input_and_refuses_duplicates() {
    let app = spawn_shop().await;
    let ok = register(&app, "Ann@Example.com", PASSWORD).await;
    assert_eq!(ok.status, 201, "{}", ok.body);
    assert_eq!(ok.body["user"]["email"], "ann@example.com");
    assert_eq!(ok.body["user"]["role"], "customer");
    assert!(ok.body["user"].get("password_hash").is_none());

    let dup = register(&app, "ann@example.com", PASSWORD).await;
    assert_eq!((dup.status, dup.code()), (409, "email_taken"));

    let bad = register(&app, "not-an-email", "short").await;
    assert_eq!((bad.status, bad.code()), (422, "validation_failed"));
    let fields = &bad.body["error"]["details"]["fields"];
    assert!(
        fields["email"].is_string() && fields["password"].is_string(),
        "{}",
        bad.body
    );

    for weak in ["password123", "aaaaaaaaaaaaaaa", "bob@example.com"] {
        let a = register(&app, "bob@example.com", weak).await;
        assert_eq!(a.status, 422, "{weak}: {}", a.body);
    }

    let garbage = app
        .call_with(
            Method::POST,
            "/api/users/register",
            None,
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!((garbage.status, garbage.code()), (400, "invalid_json"));
}

#[tokio::test]
async fn login_issues_a_short_lived_token_and_an_http_only_refresh_cookie() {
    let app = spawn_shop().await;
    register(&app, "ann@example.com", PASSWORD).await;
    let a = app
        .call(
            Method::POST,
            "/api/users/login",
            None,
            Some(json!({ "email": "ANN@example.com", "password": PASSWORD })),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["expires_in"], 900);
    assert_eq!(a.body["token_type"], "Bearer");
    let cookie = a.header("set-cookie").unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/users"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let token = a.body["access_token"].as_str().unwrap();
    let me = app
        .call(Method::GET, "/api/users/me", Some(token), None)
        .await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "ann@example.com");
}

#[tokio::test]
async fn registration_signs_the_new_customer_in() {
    let app = spawn_shop().await;
    let a = register(&app, "ann@example.com", PASSWORD).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["token_type"], "Bearer");
    assert_eq!(a.body["expires_in"], 900);
    let token = a.body["access_token"].as_str().unwrap();
    let me = app
        .call(Method::GET, "/api/users/me", Some(token), None)
        .await;
    assert_eq!(
        (me.status, &me.body["email"]),
        (200, &json!("ann@example.com"))
    );

    let cookie = a.header("set-cookie").unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/users"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let refreshed = refresh(&app, &refresh_cookie(&a.headers).unwrap()).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    assert_eq!(refreshed.body["user"]["email"], "ann@example.com");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_fail_the_same_way() {
    let app = spawn_shop().await;
    register(&app, "ann@example.com", PASSWORD).await;
    let wrong = app
        .call(
            Method::POST,
            "/api/users/login",
            None,
            Some(json!({ "email": "ann@example.com", "password": "not the password" })),
        )
        .await;
    let unknown = app
        .call(
            Method::POST,
            "/api/users/login",
            None,
            Some(json!({ "email": "nobody@example.com", "password": "not the password" })),
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.code(), "invalid_credentials");
}

#[tokio::test]
async fn repeated_login_failures_are_rate_limited_per_email() {
    let app = spawn_shop().await;
    register(&app, "ann@example.com", PASSWORD).await;
    let attempt = |password: &'static str| {
        app.call(
            Method::POST,
            "/api/users/login",
            None,
            Some(json!({ "email": "ann@example.com", "password": password })),
        )
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong password!").await.status, 401);
    }
    let limited = attempt(PASSWORD).await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"));
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Another account from the same address is not locked out yet.
    register(&app, "bob@example.com", PASSWORD).await;
    app.login("bob@example.com", PASSWORD).await;
}

#[tokio::test]
async fn me_requires_a_valid_unexpired_token_from_a_known_key() {
    let (seed, public, key) = key_pair(7);
    let (_, other_public, other_key) = key_pair(8);
    let _ = other_public;
    let signing = format!("k1:{seed}");
    let publics = format!("k1:{public}");
    let app = spawn_shop_with(
        &[],
        &[
            ("SPIN_VARIABLE_AUTH_SIGNING_KEYS", &signing),
            ("SPIN_VARIABLE_AUTH_PUBLIC_KEYS", &publics),
        ],
    )
    .await;
    register(&app, "ann@example.com", PASSWORD).await;
    let (token, _) = app.login("ann@example.com", PASSWORD).await;
    let id = app
        .call(Method::GET, "/api/users/me", Some(&token), None)
        .await
        .body["id"]
        .as_i64()
        .unwrap();

    let anonymous = app.call(Method::GET, "/api/users/me", None, None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));

    let header = json!({ "alg": "EdDSA", "typ": "JWT", "kid": "k1" });
    let valid = mint(
        &key,
        header.clone(),
        claims(id, "customer", now(), now() + 600),
    );
    assert_eq!(
        app.call(Method::GET, "/api/users/me", Some(&valid), None)
            .await
            .status,
        200
    );

    let expired = mint(
        &key,
        header.clone(),
        claims(id, "customer", now() - 3600, now() - 60),
    );
    let a = app
        .call(Method::GET, "/api/users/me", Some(&expired), None)
        .await;
    assert_eq!((a.status, a.code()), (401, "token_expired"));

    let foreign = mint(
        &other_key,
        header.clone(),
        claims(id, "admin", now(), now() + 600),
    );
    let a = app
        .call(Method::GET, "/api/users/me", Some(&foreign), None)
        .await;
    assert_eq!((a.status, a.code()), (401, "invalid_token"));

    let parts: Vec<&str> = valid.split('.').collect();
    let tampered_claims = B64.encode(claims(id, "admin", now(), now() + 600).to_string());
    let tampered = format!("{}.{tampered_claims}.{}", parts[0], parts[2]);
    let a = app
        .call(Method::GET, "/api/users/me", Some(&tampered), None)
        .await;
    assert_eq!((a.status, a.code()), (401, "invalid_token"));

    let none = format!(
        "{}.{}.",
        B64.encode(json!({ "alg": "none", "typ": "JWT", "kid": "k1" }).to_string()),
        B64.encode(claims(id, "admin", now(), now() + 600).to_string())
    );
    let a = app
        .call(Method::GET, "/api/users/me", Some(&none), None)
        .await;
    assert_eq!((a.status, a.code()), (401, "invalid_token"));

    let unknown_kid = mint(
        &key,
        json!({ "alg": "EdDSA", "kid": "k9" }),
        claims(id, "customer", now(), now() + 600),
    );
    assert_eq!(
        app.call(Method::GET, "/api/users/me", Some(&unknown_kid), None)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn the_jwks_publishes_every_key_and_old_keys_keep_verifying_after_rotation() {
    let (new_seed, new_public, _) = key_pair(1);
    let (old_seed, old_public, old_key) = key_pair(2);
    let signing = format!("new:{new_seed},old:{old_seed}");
    let publics = format!("new:{new_public},old:{old_public}");
    let app = spawn_shop_with(
        &[],
        &[
            ("SPIN_VARIABLE_AUTH_SIGNING_KEYS", &signing),
            ("SPIN_VARIABLE_AUTH_PUBLIC_KEYS", &publics),
        ],
    )
    .await;
    let jwks = app.get_json("/.well-known/jwks.json").await;
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], "new");
    assert_eq!(keys[0]["x"], new_public);
    assert_eq!(keys[1]["x"], old_public);
    assert_eq!(keys[0]["alg"], "EdDSA");

    let token = app.admin_token().await;
    let header: Value =
        serde_json::from_slice(&B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["kid"], "new", "the first key signs");

    let me = app
        .call(Method::GET, "/api/users/me", Some(&token), None)
        .await;
    let id = me.body["id"].as_i64().unwrap();
    let by_old = mint(
        &old_key,
        json!({ "alg": "EdDSA", "kid": "old" }),
        claims(id, "admin", now(), now() + 600),
    );
    assert_eq!(
        app.call(Method::GET, "/api/users/me", Some(&by_old), None)
            .await
            .status,
        200
    );
}

async fn refresh(app: &crate::helpers::TestApp, token: &str) -> crate::shop::Answer {
    app.call_with(
        Method::POST,
        "/api/users/refresh",
        None,
        None,
        &[("cookie", &format!("edgecart_refresh={token}"))],
    )
    .await
}

#[tokio::test]
async fn refresh_rotates_the_token_and_reuse_revokes_the_family() {
    // No grace period: any second use of a token is a reuse.
    let app = spawn_shop_with(&[], &[("SPIN_VARIABLE_REFRESH_REUSE_GRACE", "0")]).await;
    register(&app, "ann@example.com", PASSWORD).await;
    let (_, first) = app.login("ann@example.com", PASSWORD).await;

    let a = refresh(&app, &first).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body["access_token"].is_string());
    let second = refresh_cookie(&a.headers).unwrap();
    assert_ne!(second, first);

    let body_refresh = app
        .call(
            Method::POST,
            "/api/users/refresh",
            None,
            Some(json!({ "refresh_token": second })),
        )
        .await;
    assert_eq!(
        body_refresh.status, 200,
        "a non-browser client may send the token in the body"
    );
    let third = refresh_cookie(&body_refresh.headers).unwrap();

    let reused = refresh(&app, &first).await;
    assert_eq!(
        (reused.status, reused.code()),
        (401, "refresh_token_reused")
    );
    let after = refresh(&app, &third).await;
    assert_eq!(
        (after.status, after.code()),
        (401, "invalid_refresh_token"),
        "the family is revoked"
    );

    let (_, other_session) = app.login("ann@example.com", PASSWORD).await;
    assert_eq!(
        refresh(&app, &other_session).await.status,
        200,
        "a new sign-in starts a new family"
    );

    let garbage = refresh(&app, "not-a-token").await;
    assert_eq!(garbage.status, 401);
    let none = app
        .call(Method::POST, "/api/users/refresh", None, None)
        .await;
    assert_eq!(none.status, 401);
}

#[tokio::test]
async fn a_used_token_refreshes_again_only_within_the_grace_period() {
    let app = spawn_shop_with(&[], &[("SPIN_VARIABLE_REFRESH_REUSE_GRACE", "2")]).await;
    register(&app, "bea@example.com", PASSWORD).await;
    let (_, first) = app.login("bea@example.com", PASSWORD).await;
    let a = refresh(&app, &first).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let second = refresh_cookie(&a.headers).unwrap();

    // The answer to that refresh was lost: the client sends `first` again.
    let again = refresh(&app, &first).await;
    assert_eq!(again.status, 200, "within the grace period: {}", again.body);
    assert!(again.body["access_token"].is_string());
    let third = refresh_cookie(&again.headers).unwrap();
    assert_ne!(third, second, "another new token, not the lost one");

    // Past the grace period the same token is a reuse, and ends the session,
    // including both tokens issued from it.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let late = refresh(&app, &first).await;
    assert_eq!((late.status, late.code()), (401, "refresh_token_reused"));
    for token in [&second, &third] {
        let after = refresh(&app, token).await;
        assert_eq!(
            (after.status, after.code()),
            (401, "invalid_refresh_token"),
            "the family is revoked"
        );
    }
}

#[tokio::test]
async fn two_refreshes_of_one_token_at_once_keep_the_session() {
    // The default grace period (30 s): two tabs whose refreshes cross.
    let app = spawn_shop().await;
    register(&app, "cid@example.com", PASSWORD).await;
    let (_, token) = app.login("cid@example.com", PASSWORD).await;
    let (a, b) = tokio::join!(refresh(&app, &token), refresh(&app, &token));
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.body, b.body);
    let (ta, tb) = (
        refresh_cookie(&a.headers).unwrap(),
        refresh_cookie(&b.headers).unwrap(),
    );
    assert_ne!(ta, tb);
    for t in [&ta, &tb] {
        assert_eq!(refresh(&app, t).await.status, 200, "both stay valid");
    }
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let app = spawn_shop().await;
    register(&app, "ann@example.com", PASSWORD).await;
    let (_, session) = app.login("ann@example.com", PASSWORD).await;
    let out = app
        .call_with(
            Method::POST,
            "/api/users/logout",
            None,
            None,
            &[("cookie", &format!("edgecart_refresh={session}"))],
        )
        .await;
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(refresh(&app, &session).await.status, 401);
    let again = app
        .call_with(
            Method::POST,
            "/api/users/logout",
            None,
            None,
            &[("cookie", &format!("edgecart_refresh={session}"))],
        )
        .await;
    assert_eq!(again.status, 204);
}

#[tokio::test]
async fn profile_and_addresses_can_be_edited_by_their_owner_only() {
    let app = spawn_shop().await;
    let ann = app.customer_token("ann@example.com").await;
    let bob = app.customer_token("bob@example.com").await;

    let p = app
        .call(
            Method::PATCH,
            "/api/users/me",
            Some(&ann),
            Some(json!({ "name": "Ann Smith", "phone": "+49 30 1234567" })),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.body["name"], "Ann Smith");
    let bad = app
        .call(
            Method::PATCH,
            "/api/users/me",
            Some(&ann),
            Some(json!({ "phone": "call me maybe" })),
        )
        .await;
    assert_eq!(bad.status, 422);
    let unknown = app
        .call(
            Method::PATCH,
            "/api/users/me",
            Some(&ann),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(
        unknown.status, 400,
        "unknown fields such as role are refused: {}",
        unknown.body
    );

    let address = json!({ "name": "Ann Smith", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "de", "is_default": true });
    let a = app
        .call(
            Method::POST,
            "/api/users/me/addresses",
            Some(&ann),
            Some(address.clone()),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["country"], "DE");
    let id = a.body["id"].as_i64().unwrap();
    let second = app
        .call(Method::POST, "/api/users/me/addresses", Some(&ann), Some(json!({ "name": "Office", "line1": "Alexanderplatz 5", "city": "Berlin", "postal_code": "10178", "country": "DE", "is_default": true })))
        .await;
    let second_id = second.body["id"].as_i64().unwrap();
    let list = app
        .call(Method::GET, "/api/users/me/addresses", Some(&ann), None)
        .await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second_id, "the default address comes first");
    assert_eq!(items.iter().filter(|a| a["is_default"] == true).count(), 1);

    let invalid = app
        .call(Method::POST, "/api/users/me/addresses", Some(&ann), Some(json!({ "name": "", "line1": "x", "city": "y", "postal_code": "1", "country": "Germany" })))
        .await;
    assert_eq!(invalid.status, 422);
    let fields = &invalid.body["error"]["details"]["fields"];
    assert!(fields["name"].is_string() && fields["country"].is_string());

    let path = format!("/api/users/me/addresses/{id}");
    let edited = app
        .call(
            Method::PATCH,
            &path,
            Some(&ann),
            Some(json!({ "city": "Potsdam" })),
        )
        .await;
    assert_eq!(
        (edited.status, edited.body["city"].as_str()),
        (200, Some("Potsdam"))
    );
    assert_eq!(edited.body["line1"], "Hauptstr. 1");

    assert_eq!(
        app.call(
            Method::PATCH,
            &path,
            Some(&bob),
            Some(json!({ "city": "x" }))
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&bob), None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&ann), None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&ann), None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.call(Method::GET, "/api/users/me/addresses/abc", Some(&ann), None)
            .await
            .status,
        405
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_sessions() {
    let app = spawn_shop().await;
    register(&app, "ann@example.com", PASSWORD).await;
    let (token, session) = app.login("ann@example.com", PASSWORD).await;
    let wrong = app
        .call(Method::POST, "/api/users/me/password", Some(&token), Some(json!({ "current_password": "nope nope nope", "new_password": "another long passphrase" })))
        .await;
    assert_eq!(wrong.status, 422);
    let ok = app
        .call(
            Method::POST,
            "/api/users/me/password",
            Some(&token),
            Some(
                json!({ "current_password": PASSWORD, "new_password": "another long passphrase" }),
            ),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(refresh(&app, &session).await.status, 401);
    app.login("ann@example.com", "another long passphrase")
        .await;
}

#[tokio::test]
async fn customers_cannot_reach_admin_routes_and_admins_can() {
    let app = spawn_shop().await;
    let customer = app.customer_token("ann@example.com").await;
    let a = app
        .call(Method::GET, "/api/users/admin/users", Some(&customer), None)
        .await;
    assert_eq!((a.status, a.code()), (403, "forbidden"));
    assert_eq!(
        app.call(Method::GET, "/api/users/admin/outbox", None, None)
            .await
            .status,
        401
    );

    let admin = app.admin_token().await;
    let users = app
        .call(
            Method::GET,
            "/api/users/admin/users?limit=1",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(users.status, 200);
    assert_eq!(users.body["items"].as_array().unwrap().len(), 1);
    let cursor = users.body["next_cursor"].as_str().unwrap();
    let next = app
        .call(
            Method::GET,
            &format!("/api/users/admin/users?limit=1&cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await;
    assert_ne!(next.body["items"][0]["id"], users.body["items"][0]["id"]);
    let bad_cursor = app
        .call(
            Method::GET,
            "/api/users/admin/users?cursor=%%%",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        (bad_cursor.status, bad_cursor.code()),
        (400, "invalid_cursor")
    );

    let ann_id = app
        .call(Method::GET, "/api/users/me", Some(&customer), None)
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let promoted = app
        .call(
            Method::PATCH,
            &format!("/api/users/admin/users/{ann_id}"),
            Some(&admin),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(promoted.body["role"], "admin");
    let bad_role = app
        .call(
            Method::PATCH,
            &format!("/api/users/admin/users/{ann_id}"),
            Some(&admin),
            Some(json!({ "role": "owner" })),
        )
        .await;
    assert_eq!(bad_role.status, 422);
    let (ann_admin, _) = app
        .login("ann@example.com", "a long enough passphrase")
        .await;
    assert_eq!(
        app.call(
            Method::GET,
            "/api/users/admin/outbox",
            Some(&ann_admin),
            None
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn password_reset_tokens_work_once_and_never_reveal_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("SPIN_VARIABLE_SERVICE_TOKEN", SERVICE_TOKEN),
        ("SPIN_VARIABLE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("SPIN_VARIABLE_ADMIN_PASSWORD", ADMIN_PASSWORD),
    ];
    let app = spawn_app_at(dir.path(), &shop_manifest(), &["--no-seed"], &env).await;
    register(&app, "ann@example.com", PASSWORD).await;
    let (_, session) = app.login("ann@example.com", PASSWORD).await;

    let known = app
        .call(
            Method::POST,
            "/api/users/password-reset",
            None,
            Some(json!({ "email": "ann@example.com" })),
        )
        .await;
    let unknown = app
        .call(
            Method::POST,
            "/api/users/password-reset",
            None,
            Some(json!({ "email": "ghost@example.com" })),
        )
        .await;
    assert_eq!((known.status, unknown.status), (202, 202));
    assert_eq!(known.body, unknown.body);

    let admin = app.admin_token().await;
    let outbox = app
        .call(Method::GET, "/api/users/admin/outbox", Some(&admin), None)
        .await;
    let items = outbox.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only the real account gets a message");
    assert_eq!(items[0]["recipient"], "ann@example.com");
    let body = items[0]["body"].as_str().unwrap();
    let token = body
        .split("Reset token: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let weak = app
        .call(
            Method::POST,
            "/api/users/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "short" })),
        )
        .await;
    assert_eq!(weak.status, 422);
    let ok = app
        .call(
            Method::POST,
            "/api/users/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "a brand new passphrase" })),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(
        refresh(&app, &session).await.status,
        401,
        "every session ends"
    );
    app.login("ann@example.com", "a brand new passphrase").await;
    let reused = app
        .call(
            Method::POST,
            "/api/users/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "yet another passphrase" })),
        )
        .await;
    assert_eq!((reused.status, reused.code()), (400, "invalid_reset_token"));

    // A token that has expired: restart with its expiry moved into the past.
    app.call(
        Method::POST,
        "/api/users/password-reset",
        None,
        Some(json!({ "email": "ann@example.com" })),
    )
    .await;
    let outbox = app
        .call(Method::GET, "/api/users/admin/outbox", Some(&admin), None)
        .await;
    let body = outbox.body["items"][0]["body"]
        .as_str()
        .unwrap()
        .to_string();
    let token = body
        .split("Reset token: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    app.terminate();
    let app = spawn_app_at(
        dir.path(),
        &shop_manifest(),
        &[
            "--no-seed",
            "--sqlite",
            "users:UPDATE password_resets SET expires_at = 0",
        ],
        &env,
    )
    .await;
    let expired = app
        .call(
            Method::POST,
            "/api/users/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "yet another passphrase" })),
        )
        .await;
    assert_eq!(
        (expired.status, expired.code()),
        (400, "invalid_reset_token")
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let app = spawn_shop().await;
    let a = app.call(Method::GET, "/api/users/nope", None, None).await;
    assert_eq!((a.status, a.code()), (404, "not_found"));
    let a = app.call(Method::GET, "/api/users/login", None, None).await;
    assert_eq!((a.status, a.code()), (405, "method_not_allowed"));
    let a = app
        .call(Method::POST, "/.well-known/jwks.json", None, None)
        .await;
    assert_eq!(a.status, 405);
}

#[tokio::test]
async fn a_new_shop_gets_demo_data_and_an_admin_whose_password_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = crate::shop::spawn_shop_at(dir.path(), &[], &[]).await;
    assert!(
        app.stdout_contains("Demo data loaded", 120).await,
        "stdout:\n{}\nstderr:\n{}",
        app.stdout(),
        app.stderr()
    );
    let out = app.stdout();
    let credentials = out
        .lines()
        .find_map(|l| l.strip_prefix("Admin account (shown once, keep it): "))
        .unwrap();
    let (email, password) = credentials.split_once(" / ").unwrap();
    let (token, _) = app.login(email, password).await;
    let me = app
        .call(Method::GET, "/api/users/me", Some(&token), None)
        .await;
    assert_eq!(me.body["role"], "admin");
    let products = app.get_json("/api/catalog/products?limit=1").await;
    assert!(products["total"].as_i64().unwrap() >= 200, "{products}");
    let categories = app.get_json("/api/catalog/categories").await;
    assert!(!categories["items"].as_array().unwrap().is_empty());
    app.terminate();

    let again = crate::shop::spawn_shop_at(dir.path(), &[], &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        !again.stdout().contains("Admin account"),
        "the password is printed once"
    );
    again.login(email, password).await;
}
