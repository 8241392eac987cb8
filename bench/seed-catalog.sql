-- 10,000 products for the point-read benchmark.
DROP TABLE IF EXISTS products;
CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT NOT NULL, price INTEGER NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO products (id, title, price) SELECT i, 'Product ' || i, 100 + (i * 37) % 9900 FROM n;
