-- The changes feed on PostgreSQL: what SQLite's 16 change-sequence triggers do, as triggers
-- here too, so every statement that writes a cached row (areas, organisations, places,
-- classes, a place's badges and care modes) stamps it the same way on both engines.
--
-- Why it cannot skip a row under concurrent commits: a number is taken by updating the one
-- change_counter row inside the writing transaction. That row lock is held to COMMIT, so a
-- second writer waits on it until the first has committed (or rolled back) and then takes
-- the next number: numbers are handed out in commit order, and a reader whose snapshot sees
-- number N also sees every row stamped ≤ N. (A SEQUENCE would not do: its values are handed
-- out at nextval, so a transaction that took 7 could commit after one that took 8, and a
-- client that had already read 8 would never ask for 7.) The feed reads the counter and the
-- rows in one snapshot (db::places, REPEATABLE READ). Tested by
-- sync::the_changes_feed_skips_nothing_when_writers_commit_out_of_order.

-- One number per transaction: the first row a transaction stamps takes it (and the row lock),
-- the rest of its rows share it (kept in a transaction-local setting). A reader sees all of a
-- transaction's rows or none, so `change_seq > since` misses nothing; and a transaction that
-- writes 100,000 rows (an import) updates the counter once, not 100,000 times over a chain of
-- its own dead row versions.
CREATE FUNCTION yilao_next_seq() RETURNS BIGINT
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    taken TEXT := current_setting('yilao.change_seq', true);
    seq BIGINT;
BEGIN
    IF taken IS NOT NULL AND taken <> '' THEN
        RETURN taken::bigint;
    END IF;
    UPDATE change_counter SET value = value + 1 RETURNING value INTO seq;
    PERFORM set_config('yilao.change_seq', seq::text, true);
    RETURN seq;
END $$;

-- INSERT / UPDATE of a cached row: the row takes the next number.
CREATE FUNCTION yilao_stamp() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.change_seq := yilao_next_seq();
    RETURN NEW;
END $$;

-- DELETE of a cached row: a tombstone with the next number (entity named by the trigger).
CREATE FUNCTION yilao_tombstone() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO tombstones (entity, entity_id, change_seq, deleted_at)
        VALUES (TG_ARGV[0], OLD.id::text, yilao_next_seq(), unixepoch())
        ON CONFLICT (entity, entity_id) DO UPDATE SET change_seq = excluded.change_seq, deleted_at = excluded.deleted_at;
    RETURN OLD;
END $$;

-- A change to a class, badge or care mode also moves its place (a client caching place
-- documents sees the place as changed).
CREATE FUNCTION yilao_touch_place() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE places SET change_seq = change_seq WHERE id = OLD.place_id;
        RETURN OLD;
    END IF;
    UPDATE places SET change_seq = change_seq WHERE id = NEW.place_id;
    IF TG_OP = 'UPDATE' AND OLD.place_id IS DISTINCT FROM NEW.place_id THEN
        UPDATE places SET change_seq = change_seq WHERE id = OLD.place_id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER areas_seq BEFORE INSERT OR UPDATE ON areas FOR EACH ROW EXECUTE FUNCTION yilao_stamp();

CREATE TRIGGER organisations_seq BEFORE INSERT OR UPDATE ON organisations FOR EACH ROW EXECUTE FUNCTION yilao_stamp();
CREATE TRIGGER organisations_seq_del AFTER DELETE ON organisations FOR EACH ROW EXECUTE FUNCTION yilao_tombstone('organisation');

CREATE TRIGGER places_seq BEFORE INSERT OR UPDATE ON places FOR EACH ROW EXECUTE FUNCTION yilao_stamp();
CREATE TRIGGER places_seq_del AFTER DELETE ON places FOR EACH ROW EXECUTE FUNCTION yilao_tombstone('place');

CREATE TRIGGER classes_seq BEFORE INSERT OR UPDATE ON classes FOR EACH ROW EXECUTE FUNCTION yilao_stamp();
CREATE TRIGGER classes_seq_del AFTER DELETE ON classes FOR EACH ROW EXECUTE FUNCTION yilao_tombstone('class');
CREATE TRIGGER classes_touch AFTER INSERT OR UPDATE OR DELETE ON classes FOR EACH ROW EXECUTE FUNCTION yilao_touch_place();

CREATE TRIGGER badges_touch AFTER INSERT OR DELETE ON place_badges FOR EACH ROW EXECUTE FUNCTION yilao_touch_place();
CREATE TRIGGER care_modes_touch AFTER INSERT OR UPDATE OR DELETE ON place_care_modes FOR EACH ROW EXECUTE FUNCTION yilao_touch_place();
