-- SQLite's hidden rowid, made explicit where the code orders by it: requests and orders have
-- client-made TEXT ids, and "newest first" / a class's waiting list break ties on the order in
-- which rows were inserted (`r.rowid`, `o.rowid`). Same name, same meaning on both engines.
ALTER TABLE requests ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
ALTER TABLE orders ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
