//! Routes exercising Spin's sqlite and key-value interfaces.

use spin_sdk::http::StatusCode;
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::wit::sqlite as sync_sqlite;
use spin_sdk::sqlite::{Connection, Value};

type Reply = (StatusCode, String);

fn describe(v: &Value) -> String {
    match v {
        Value::Integer(i) => format!("integer:{i}"),
        Value::Real(r) => format!("real:{r}"),
        Value::Text(t) => format!("text:{t}"),
        Value::Blob(b) => format!(
            "blob:{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
        Value::Null => "null".to_string(),
    }
}

fn fail(e: impl std::fmt::Debug) -> Reply {
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:?}"))
}

pub async fn open(db: &str) -> Reply {
    match Connection::open(db).await {
        Ok(_) => (StatusCode::OK, "opened".into()),
        Err(e) => (StatusCode::FORBIDDEN, format!("{e:?}")),
    }
}

/// Every value type through the async interface, plus rowid and changes.
pub async fn types(db: &str) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let setup = "CREATE TABLE IF NOT EXISTS typed (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)";
    if let Err(e) = conn.execute(setup, []).await.map(drop) {
        return fail(e);
    }
    let insert = conn
        .execute(
            "INSERT INTO typed (i, r, s, b, n) VALUES (?, ?, ?, ?, ?)",
            [
                Value::Integer(-9_007_199_254_740_993),
                Value::Real(1.5),
                Value::Text("héllo ✓".into()),
                Value::Blob(vec![0, 1, 255]),
                Value::Null,
            ],
        )
        .await;
    match insert {
        Ok(q) => {
            if let Err(e) = q.collect().await {
                return fail(e);
            }
        }
        Err(e) => return fail(e),
    }
    let rowid = conn.last_insert_rowid().await;
    let changes = conn.changes().await;
    let rows = match conn
        .execute(
            "SELECT i, r, s, b, n FROM typed WHERE id = ?",
            [Value::Integer(rowid)],
        )
        .await
    {
        Ok(q) => match q.collect().await {
            Ok(rows) => rows,
            Err(e) => return fail(e),
        },
        Err(e) => return fail(e),
    };
    let values: Vec<String> = rows
        .first()
        .map(|r| r.values.iter().map(describe).collect())
        .unwrap_or_default();
    (
        StatusCode::OK,
        format!("{}\nrowid={rowid} changes={changes}", values.join(",")),
    )
}

/// The same through the synchronous functions of spin:sqlite@3.1.0.
pub fn types_sync(db: &str) -> Reply {
    let conn = match sync_sqlite::Connection::open(db) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let run = |sql: &str, params: Vec<Value>| conn.execute(sql, &params);
    if let Err(e) = run(
        "CREATE TABLE IF NOT EXISTS synced (id INTEGER PRIMARY KEY, s TEXT, r REAL)",
        vec![],
    ) {
        return fail(e);
    }
    if let Err(e) = run(
        "INSERT INTO synced (s, r) VALUES (?, ?)",
        vec![Value::Text("sync".into()), Value::Real(-0.25)],
    ) {
        return fail(e);
    }
    let rowid = conn.last_insert_rowid();
    let changes = conn.changes();
    match run(
        "SELECT s, r FROM synced WHERE id = ?",
        vec![Value::Integer(rowid)],
    ) {
        Ok(q) => {
            let values: Vec<String> = q
                .rows
                .first()
                .map(|r| r.values.iter().map(describe).collect())
                .unwrap_or_default();
            (
                StatusCode::OK,
                format!(
                    "{} columns={}\nrowid={rowid} changes={changes}",
                    values.join(","),
                    q.columns.join("|")
                ),
            )
        }
        Err(e) => fail(e),
    }
}

pub async fn bad_sql(db: &str) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    match conn.execute("SELEC nonsense", []).await {
        Ok(q) => match q.collect().await {
            Ok(_) => (StatusCode::OK, "unexpectedly succeeded".into()),
            Err(e) => (StatusCode::BAD_REQUEST, format!("{e:?}")),
        },
        Err(e) => (StatusCode::BAD_REQUEST, format!("{e:?}")),
    }
}

/// Fills a table with `n` rows, then streams them back one row at a time.
pub async fn stream(db: &str, n: i64) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    for sql in [
        "DROP TABLE IF EXISTS big",
        "CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT)",
    ] {
        if let Err(e) = conn.execute(sql, []).await.map(drop) {
            return fail(e);
        }
    }
    let fill = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) \
                INSERT INTO big (id, payload) SELECT x, printf('%0500d', x) FROM c";
    match conn.execute(fill, [Value::Integer(n)]).await {
        Ok(q) => {
            if let Err(e) = q.collect().await {
                return fail(e);
            }
        }
        Err(e) => return fail(e),
    }
    let mut q = match conn
        .execute("SELECT id, payload FROM big ORDER BY id", [])
        .await
    {
        Ok(q) => q,
        Err(e) => return fail(e),
    };
    let (mut count, mut sum, mut bytes) = (0i64, 0i64, 0usize);
    while let Some(row) = q.next().await {
        count += 1;
        sum += row.get::<i64>(0).unwrap_or_default();
        bytes += row.get::<&str>(1).map(str::len).unwrap_or_default();
    }
    if let Err(e) = q.result().await {
        return fail(e);
    }
    (
        StatusCode::OK,
        format!("rows={count} sum={sum} bytes={bytes}"),
    )
}

pub async fn insert(db: &str, v: &str) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let create = "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, v TEXT NOT NULL)";
    if let Err(e) = conn.execute(create, []).await.map(drop) {
        return fail(e);
    }
    match conn
        .execute("INSERT INTO items (v) VALUES (?)", [Value::Text(v.into())])
        .await
    {
        Ok(q) => match q.collect().await {
            Ok(_) => (StatusCode::OK, conn.last_insert_rowid().await.to_string()),
            Err(e) => fail(e),
        },
        Err(e) => fail(e),
    }
}

/// Changes the newest row without inserting one: `last-insert-rowid` is 0,
/// as on a new connection, whatever an earlier request inserted.
pub async fn update(db: &str) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let sql = "UPDATE items SET v = v || '+' WHERE id = (SELECT MAX(id) FROM items)";
    if let Err(e) = rows(&conn, sql).await {
        return fail(e);
    }
    let (rowid, changes) = (conn.last_insert_rowid().await, conn.changes().await);
    (StatusCode::OK, format!("rowid={rowid} changes={changes}"))
}

/// A write whose `n` rows stream back (`… RETURNING`, more rows than the
/// host hands over whole), read to the end; then the connection stays open,
/// idle, for `hold_ms` before the response.
pub async fn returning(db: &str, n: i64, hold_ms: u64) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let create = "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, v TEXT NOT NULL)";
    let insert = format!(
        "INSERT INTO items (v) SELECT 'returned' FROM \
         (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c) \
         RETURNING id"
    );
    if let Err(e) = rows(&conn, create).await {
        return fail(e);
    }
    let returned = match rows(&conn, &insert).await {
        Ok(r) => r.len(),
        Err(e) => return fail(e),
    };
    spin_sdk::wasip3::clocks::monotonic_clock::wait_for(hold_ms * 1_000_000).await;
    drop(conn);
    (StatusCode::OK, format!("returned={returned}"))
}

/// Runs `sql` on `conn` and reads every row.
async fn rows(conn: &Connection, sql: &str) -> Result<Vec<spin_sdk::sqlite::RowResult>, String> {
    match conn.execute(sql, []).await {
        Ok(q) => q.collect().await.map_err(|e| format!("{e:?}")),
        Err(e) => Err(format!("{e:?}")),
    }
}

/// Values SQLite holds but a guest cannot take as `text`: text that is not
/// UTF-8, read back; text with a NUL, bound as a parameter. Each is an error,
/// and the connection still answers afterwards.
pub async fn edges(db: &str) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let outcome = |r: Result<Vec<spin_sdk::sqlite::RowResult>, String>| match r {
        Ok(rows) => format!("{} rows", rows.len()),
        Err(e) => e,
    };
    let not_utf8 = outcome(rows(&conn, "SELECT 'ok' AS fine, CAST(x'ff' AS TEXT) AS broken").await);
    let nul = match conn.execute("SELECT ?", [Value::Text("a\0b".into())]).await {
        Ok(q) => outcome(q.collect().await.map_err(|e| format!("{e:?}"))),
        Err(e) => format!("{e:?}"),
    };
    let after = match rows(&conn, "SELECT 41 + 1").await {
        Ok(r) => r[0].get::<i64>(0).unwrap_or(-1).to_string(),
        Err(e) => e,
    };
    (StatusCode::OK, format!("{not_utf8}\n{nul}\nafter={after}"))
}

/// A transaction over several statements of one connection: its rows are
/// invisible to a second connection until it commits (`end=commit`) or gone
/// after it rolls back (`end=rollback`).
pub async fn transaction(db: &str, end: &str) -> Reply {
    let (Ok(tx), Ok(other)) = (Connection::open(db).await, Connection::open(db).await) else {
        return fail("open failed");
    };
    let count = "SELECT count(*) FROM items";
    let steps = async {
        rows(
            &tx,
            "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
        )
        .await?;
        // Read through `tx` before its transaction too: on an embedded
        // replica that read runs on the replica's file, and the same read
        // inside the transaction must not reuse it, or it misses the
        // transaction's own rows.
        let before = rows(&tx, count).await?[0].get::<i64>(0).unwrap_or(-1);
        rows(&tx, "BEGIN").await?;
        rows(&tx, "INSERT INTO items (v) VALUES ('in-tx-1')").await?;
        rows(&tx, "INSERT INTO items (v) VALUES ('in-tx-2')").await?;
        let rowid = tx.last_insert_rowid().await;
        let inside = rows(&tx, count).await?[0].get::<i64>(0).unwrap_or(-1) - before;
        let outside = rows(&other, count).await?[0].get::<i64>(0).unwrap_or(-1) - before;
        // `abandon` ends the request inside the transaction: dropping the
        // connection must roll it back, and no later borrower may join it.
        match end {
            "commit" => drop(rows(&tx, "COMMIT").await?),
            "abandon" => {}
            _ => drop(rows(&tx, "ROLLBACK").await?),
        }
        let after = rows(&other, count).await?[0].get::<i64>(0).unwrap_or(-1) - before;
        let id = rows(&other, "SELECT max(id) FROM items").await?[0]
            .get::<i64>(0)
            .unwrap_or(-1);
        Ok::<_, String>(format!(
            "inside={inside} outside={outside} after={after} rowid_is_last={}",
            end != "commit" || rowid == id
        ))
    };
    match steps.await {
        Ok(s) => (StatusCode::OK, s),
        Err(e) => fail(e),
    }
}

pub async fn count(db: &str) -> Reply {
    let conn = match Connection::open(db).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    match conn
        .execute("SELECT count(*), count(DISTINCT v) FROM items", [])
        .await
    {
        Ok(q) => match q.collect().await {
            Ok(rows) => {
                let r = &rows[0];
                (
                    StatusCode::OK,
                    format!(
                        "{} {}",
                        r.get::<i64>(0).unwrap_or(-1),
                        r.get::<i64>(1).unwrap_or(-1)
                    ),
                )
            }
            Err(e) => fail(e),
        },
        Err(e) => fail(e),
    }
}

pub async fn key_value(label: &str) -> Reply {
    let store = match Store::open(label).await {
        Ok(s) => s,
        Err(e) => return (StatusCode::FORBIDDEN, format!("{e:?}")),
    };
    let steps = async {
        store.set("apple", b"red").await?;
        store.set("banana", [0u8, 159, 146, 150]).await?;
        store.set("apple", b"green").await?;
        let apple = store.get("apple").await?;
        let banana_exists = store.exists("banana").await?;
        store.delete("banana").await?;
        let banana = store.get("banana").await?;
        let cherry_exists = store.exists("cherry").await?;
        let keys = store.get_keys().await.collect().await?;
        Ok::<_, spin_sdk::key_value::Error>(format!(
            "apple={} banana_existed={banana_exists} banana={banana:?} cherry={cherry_exists} keys={}",
            String::from_utf8_lossy(&apple.unwrap_or_default()),
            keys.join(",")
        ))
    };
    match steps.await {
        Ok(s) => (StatusCode::OK, s),
        Err(e) => fail(e),
    }
}
