-- The few SQLite built-ins the statements use, for PostgreSQL, so that a statement is written
-- once for both engines (server/src/db/engine.rs). Each behaves as SQLite's does for the
-- arguments the code passes; anything else is refused rather than guessed.

-- unixepoch(): the current time in whole seconds.
CREATE FUNCTION unixepoch() RETURNS BIGINT
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT floor(extract(epoch FROM now()))::bigint $$;

-- date(seconds, 'unixepoch'): the UTC calendar date as YYYY-MM-DD.
CREATE FUNCTION date(seconds BIGINT, modifier TEXT) RETURNS TEXT
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    IF modifier <> 'unixepoch' THEN
        RAISE EXCEPTION 'date(): only the unixepoch modifier is provided, not %', modifier;
    END IF;
    RETURN to_char(to_timestamp(seconds) AT TIME ZONE 'UTC', 'YYYY-MM-DD');
END $$;

-- group_concat(value, separator): the non-NULL values joined, NULL when there are none.
CREATE FUNCTION yilao_concat_step(acc TEXT, value TEXT, sep TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN value IS NULL THEN acc WHEN acc IS NULL THEN value ELSE acc || sep || value END $$;
CREATE AGGREGATE group_concat(TEXT, TEXT) (SFUNC = yilao_concat_step, STYPE = TEXT);

-- sum(condition): how many rows meet it (SQLite counts a true comparison as 1).
CREATE FUNCTION yilao_count_true(acc BIGINT, value BOOLEAN) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN value IS NULL THEN acc ELSE coalesce(acc, 0) + CASE WHEN value THEN 1 ELSE 0 END END $$;
CREATE AGGREGATE sum(BOOLEAN) (SFUNC = yilao_count_true, STYPE = BIGINT);

-- max(flag) / min(flag): whether any / every row has it.
CREATE AGGREGATE max(BOOLEAN) (SFUNC = boolor_statefunc, STYPE = BOOLEAN);
CREATE AGGREGATE min(BOOLEAN) (SFUNC = booland_statefunc, STYPE = BOOLEAN);

-- json_extract(json, '$.key'): the value at a path of a JSON text, as text (NULL when absent).
CREATE FUNCTION json_extract(doc TEXT, path TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT jsonb_path_query_first(doc::jsonb, path::jsonpath) #>> '{}' $$;

-- max(a, b) with two arguments: the larger (SQLite's scalar max; GREATEST in PostgreSQL).
CREATE FUNCTION max(a BIGINT, b BIGINT) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT GREATEST(a, b) $$;
