//! The two engines behind one set of `db/` functions: SQLite (embedded, the default) and
//! PostgreSQL (several servers on one database), each through its own sqlx driver.
//!
//! Why not sqlx's `Any` driver: it cannot decode timestamps and loses each driver's types.
//! Here every statement runs on the engine's own driver and decodes into the same Rust
//! types (`FromRow` and `Decode` for both); the `db/` functions take a `&mut Conn` (a pooled
//! connection or a transaction of either engine) and build statements with [`query`],
//! [`query_as`] and [`query_scalar`], which keep their arguments as [`Arg`]s and bind them
//! on whichever connection runs them. Statements are written once with `?` (or `?N`)
//! placeholders and rewritten to `$N` for PostgreSQL ([`pg_placeholders`]); where the two
//! dialects differ, [`Sql::by_engine`] holds one text per engine.

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Decode, FromRow, Transaction, Type};
use std::borrow::Cow;

/// Which database serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgresql",
        }
    }
}

/// A pool of either engine.
#[derive(Clone, Debug)]
pub enum Pool {
    Lite(SqlitePool),
    Pg(PgPool),
}

impl Pool {
    pub fn engine(&self) -> Engine {
        match self {
            Pool::Lite(_) => Engine::Sqlite,
            Pool::Pg(_) => Engine::Postgres,
        }
    }
    /// A connection of the pool (returned to it when dropped).
    pub async fn acquire(&self) -> sqlx::Result<Held> {
        Ok(match self {
            Pool::Lite(p) => Held::Lite(p.acquire().await?),
            Pool::Pg(p) => Held::Pg(p.acquire().await?),
        })
    }
    /// A connection if one is free now (`None`: all are busy).
    pub fn try_acquire(&self) -> Option<Held> {
        match self {
            Pool::Lite(p) => p.try_acquire().map(Held::Lite),
            Pool::Pg(p) => p.try_acquire().map(Held::Pg),
        }
    }
    /// A transaction that only reads, or whose writes need no lock taken up front.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Pool::Lite(p) => Tx::Lite(p.begin().await?),
            Pool::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }
    /// A transaction that writes. On SQLite `BEGIN IMMEDIATE` takes the one write lock at the
    /// start, so a transaction that reads and then writes never finds the lock taken halfway
    /// (which SQLite answers with SQLITE_BUSY rather than a wait). On PostgreSQL writers run
    /// side by side (READ COMMITTED); what one must not read stale is locked row by row
    /// (`FOR UPDATE`, see [`Sql::for_update`]).
    pub async fn begin_write(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Pool::Lite(p) => Tx::Lite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }
    /// A transaction that reads several statements from one snapshot (a value and the rows
    /// it describes, e.g. the changes feed's number and its places). SQLite's read
    /// transaction is one snapshot already; PostgreSQL's default takes one per statement.
    pub async fn begin_snapshot(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Pool::Lite(p) => Tx::Lite(p.begin().await?),
            Pool::Pg(p) => Tx::Pg(p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?),
        })
    }
    /// Open connections.
    pub fn size(&self) -> u32 {
        match self {
            Pool::Lite(p) => p.size(),
            Pool::Pg(p) => p.size(),
        }
    }
    /// The most connections the pool opens.
    pub fn max_connections(&self) -> u32 {
        match self {
            Pool::Lite(p) => p.options().get_max_connections(),
            Pool::Pg(p) => p.options().get_max_connections(),
        }
    }
    /// Idle connections.
    pub fn num_idle(&self) -> usize {
        match self {
            Pool::Lite(p) => p.num_idle(),
            Pool::Pg(p) => p.num_idle(),
        }
    }
    pub async fn close(&self) {
        match self {
            Pool::Lite(p) => p.close().await,
            Pool::Pg(p) => p.close().await,
        }
    }
    /// Which database the pool opens (a file, or host:port/database), to key what a process
    /// keeps per database.
    pub fn identity(&self) -> String {
        match self {
            Pool::Lite(p) => p.connect_options().get_filename().display().to_string(),
            Pool::Pg(p) => {
                let o = p.connect_options();
                format!("{}:{}/{}", o.get_host(), o.get_port(), o.get_database().unwrap_or_default())
            }
        }
    }
}

/// The borrowed connection a statement runs on.
pub enum Raw<'c> {
    Lite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

/// Anything a statement can run on: a pooled connection, a transaction, or a `&mut Conn`
/// passed down. The `db/` functions take `&mut Conn` (= `dyn Exec`), so one function serves
/// callers holding either.
pub trait Exec: Send {
    fn raw(&mut self) -> Raw<'_>;
}

/// What the `db/` functions take: a connection of either engine.
pub type Conn = dyn Exec;

/// A pooled connection of either engine.
pub enum Held {
    Lite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

impl Exec for Held {
    fn raw(&mut self) -> Raw<'_> {
        match self {
            Held::Lite(c) => Raw::Lite(c),
            Held::Pg(c) => Raw::Pg(c),
        }
    }
}

/// `&mut *held` / `&mut *tx` is the `&mut Conn` the `db/` functions take.
macro_rules! derefs_to_conn {
    ($t:ty) => {
        impl std::ops::Deref for $t {
            type Target = Conn;
            fn deref(&self) -> &Conn {
                self
            }
        }
        impl std::ops::DerefMut for $t {
            fn deref_mut(&mut self) -> &mut Conn {
                self
            }
        }
    };
}
derefs_to_conn!(Held);

/// A transaction of either engine: rolled back when dropped without [`Tx::commit`].
pub enum Tx {
    Lite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            Tx::Lite(t) => t.commit().await,
            Tx::Pg(t) => t.commit().await,
        }
    }
    pub async fn rollback(self) -> sqlx::Result<()> {
        match self {
            Tx::Lite(t) => t.rollback().await,
            Tx::Pg(t) => t.rollback().await,
        }
    }
}

impl Exec for Tx {
    fn raw(&mut self) -> Raw<'_> {
        match self {
            Tx::Lite(t) => Raw::Lite(t),
            Tx::Pg(t) => Raw::Pg(t),
        }
    }
}

derefs_to_conn!(Tx);

/// Locks a row until the transaction ends, where SQLite's one writer already excludes every
/// other writer: a write that reads a count or a figure and then writes what follows from it
/// (a timeslot's bookings, a class's vacancies) takes the row it depends on first, so two
/// servers cannot both read "one left". A no-op on SQLite.
pub async fn lock_row(on: &mut Conn, table: &'static str, id: i64) -> sqlx::Result<()> {
    if let Raw::Pg(c) = on.raw() {
        sqlx::query(&format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE")).bind(id).execute(c).await?;
    }
    Ok(())
}

/// Serialises writers on a name until the transaction ends (a device's writes, an account's
/// sign-in attempts: a check of what was recorded, then a record). PostgreSQL's transaction-
/// scoped advisory lock; a no-op on SQLite (its one writer).
pub async fn lock_key(on: &mut Conn, key: &str) -> sqlx::Result<()> {
    if let Raw::Pg(c) = on.raw() {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(key).execute(c).await?;
    }
    Ok(())
}

/// Runs `job` in a transaction on one server only, when several share the database: on
/// PostgreSQL under `pg_try_advisory_xact_lock` (another server running it now → `None`, and
/// it is skipped there); on SQLite always (one process owns the file).
pub async fn try_lock_job(on: &mut Conn, job: &str) -> sqlx::Result<bool> {
    match on.raw() {
        Raw::Pg(c) => sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))").bind(format!("job:{job}")).fetch_one(c).await,
        Raw::Lite(_) => Ok(true),
    }
}

/// A statement's argument, kept until the engine that runs it is known. Typed even when
/// NULL: PostgreSQL infers a parameter's type from what is bound.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

/// A value a statement can take.
pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

macro_rules! args {
    ($($t:ty => $v:ident $(as $conv:ty)?),* $(,)?) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg { Arg::$v(Some(self $(as $conv)?)) }
        }
        impl IntoArg for Option<$t> {
            fn into_arg(self) -> Arg { Arg::$v(self.map(|v| v $(as $conv)?)) }
        }
        impl IntoArg for &Option<$t> {
            fn into_arg(self) -> Arg { Arg::$v(self.map(|v| v $(as $conv)?)) }
        }
        impl IntoArg for &$t {
            fn into_arg(self) -> Arg { Arg::$v(Some(*self $(as $conv)?)) }
        }
    )*};
}
args!(i64 => I64, i32 => I64 as i64, u32 => I64 as i64, u16 => I64 as i64, u8 => I64 as i64, f64 => F64, bool => Bool);

impl IntoArg for usize {
    fn into_arg(self) -> Arg {
        Arg::I64(Some(i64::try_from(self).unwrap_or(i64::MAX)))
    }
}
impl IntoArg for String {
    fn into_arg(self) -> Arg {
        Arg::Text(Some(self))
    }
}
impl IntoArg for &String {
    fn into_arg(self) -> Arg {
        Arg::Text(Some(self.clone()))
    }
}
impl IntoArg for &str {
    fn into_arg(self) -> Arg {
        Arg::Text(Some(self.to_string()))
    }
}
impl IntoArg for &&str {
    fn into_arg(self) -> Arg {
        Arg::Text(Some(self.to_string()))
    }
}
impl IntoArg for Option<String> {
    fn into_arg(self) -> Arg {
        Arg::Text(self)
    }
}
impl IntoArg for &Option<String> {
    fn into_arg(self) -> Arg {
        Arg::Text(self.clone())
    }
}
impl IntoArg for Option<&String> {
    fn into_arg(self) -> Arg {
        Arg::Text(self.cloned())
    }
}
impl IntoArg for Option<&str> {
    fn into_arg(self) -> Arg {
        Arg::Text(self.map(str::to_string))
    }
}
impl IntoArg for Vec<u8> {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self))
    }
}
impl IntoArg for &[u8] {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self.to_vec()))
    }
}
impl IntoArg for &Vec<u8> {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self.clone()))
    }
}
impl IntoArg for Option<Vec<u8>> {
    fn into_arg(self) -> Arg {
        Arg::Bytes(self)
    }
}

/// A statement's text: one for both engines, or one per engine.
#[derive(Clone, Debug)]
pub enum Sql<'q> {
    Both(Cow<'q, str>),
    ByEngine {
        sqlite: Cow<'q, str>,
        postgres: Cow<'q, str>,
    },
}

impl<'q> Sql<'q> {
    /// Where the dialects differ (`group_concat` / `string_agg`, JSON functions, dates).
    pub fn by_engine(sqlite: impl Into<Cow<'q, str>>, postgres: impl Into<Cow<'q, str>>) -> Self {
        Sql::ByEngine {
            sqlite: sqlite.into(),
            postgres: postgres.into(),
        }
    }
    fn sqlite(&self) -> &str {
        match self {
            Sql::Both(s) | Sql::ByEngine { sqlite: s, .. } => s,
        }
    }
    fn postgres(&self) -> String {
        match self {
            Sql::Both(s) => pg_placeholders(s),
            Sql::ByEngine { postgres, .. } => pg_placeholders(postgres),
        }
    }
}

/// A statement that takes lists as JSON arrays (`x IN (SELECT value FROM json_each(?))`),
/// for both engines: on PostgreSQL the n-th list's elements are read as `types[n]`
/// (`text`, `bigint`), so they compare with the column they are matched against.
pub fn json_lists(sqlite: impl Into<String>, types: &[&str]) -> Sql<'static> {
    let sqlite = sqlite.into();
    let mut pg = String::with_capacity(sqlite.len() + 64);
    let mut rest = sqlite.as_str();
    let mut n = 0;
    const FROM: &str = "SELECT value FROM json_each(";
    while let Some(i) = rest.find(FROM) {
        let after = &rest[i + FROM.len()..];
        let end = after.find(')').expect("json_each( closes");
        let ty = types.get(n).copied().unwrap_or_else(|| panic!("json_lists: no type for list {n} of {sqlite}"));
        pg.push_str(&rest[..i]);
        pg.push_str(&format!("SELECT CAST(value AS {ty}) FROM json_array_elements_text(CAST({} AS json)) AS e(value)", &after[..end]));
        rest = &after[end + 1..];
        n += 1;
    }
    pg.push_str(rest);
    Sql::ByEngine { sqlite: Cow::Owned(sqlite), postgres: Cow::Owned(pg) }
}

impl<'q> From<&'q str> for Sql<'q> {
    fn from(s: &'q str) -> Self {
        Sql::Both(Cow::Borrowed(s))
    }
}
impl<'q> From<&'q String> for Sql<'q> {
    fn from(s: &'q String) -> Self {
        Sql::Both(Cow::Borrowed(s.as_str()))
    }
}
impl From<String> for Sql<'static> {
    fn from(s: String) -> Self {
        Sql::Both(Cow::Owned(s))
    }
}

/// `?` and `?N` placeholders (SQLite) as `$N` (PostgreSQL); text in quotes, quoted
/// identifiers and comments are left as they are. A statement uses one style or the other.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut next = 0u32;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push('$');
                if digits.is_empty() {
                    next += 1;
                    out.push_str(&next.to_string());
                } else {
                    out.push_str(&digits);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// What a statement that returns no rows did.
#[derive(Clone, Copy, Debug)]
pub struct Done(u64);

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.0
    }
}

/// A statement with its arguments.
#[must_use]
pub struct Query<'q> {
    sql: Sql<'q>,
    args: Vec<Arg>,
}

/// A statement whose rows decode into `T` (a tuple or a `FromRow` struct).
#[must_use]
pub struct QueryAs<'q, T> {
    q: Query<'q>,
    _t: std::marker::PhantomData<fn() -> T>,
}

/// A statement whose rows' first column decodes into `T`.
#[must_use]
pub struct QueryScalar<'q, T> {
    q: Query<'q>,
    _t: std::marker::PhantomData<fn() -> T>,
}

pub fn query<'q>(sql: impl Into<Sql<'q>>) -> Query<'q> {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

pub fn query_as<'q, T>(sql: impl Into<Sql<'q>>) -> QueryAs<'q, T> {
    QueryAs {
        q: query(sql),
        _t: std::marker::PhantomData,
    }
}

pub fn query_scalar<'q, T>(sql: impl Into<Sql<'q>>) -> QueryScalar<'q, T> {
    QueryScalar {
        q: query(sql),
        _t: std::marker::PhantomData,
    }
}

type LiteQuery<'a> = sqlx::query::Query<'a, Sqlite, sqlx::sqlite::SqliteArguments<'a>>;
type PgQuery<'a> = sqlx::query::Query<'a, Postgres, sqlx::postgres::PgArguments>;
type LiteQueryAs<'a, T> = sqlx::query::QueryAs<'a, Sqlite, T, sqlx::sqlite::SqliteArguments<'a>>;
type PgQueryAs<'a, T> = sqlx::query::QueryAs<'a, Postgres, T, sqlx::postgres::PgArguments>;

/// Binds an argument with its type, on either engine's query builder.
macro_rules! bind_arg {
    ($q:expr, $a:expr) => {
        match $a {
            Arg::I64(v) => $q.bind(v),
            Arg::F64(v) => $q.bind(v),
            Arg::Text(v) => $q.bind(v),
            Arg::Bool(v) => $q.bind(v),
            Arg::Bytes(v) => $q.bind(v),
        }
    };
}

fn bind_lite(q: LiteQuery<'_>, a: Arg) -> LiteQuery<'_> {
    bind_arg!(q, a)
}

fn bind_pg(q: PgQuery<'_>, a: Arg) -> PgQuery<'_> {
    bind_arg!(q, a)
}

fn bind_lite_as<T>(q: LiteQueryAs<'_, T>, a: Arg) -> LiteQueryAs<'_, T> {
    bind_arg!(q, a)
}

fn bind_pg_as<T>(q: PgQueryAs<'_, T>, a: Arg) -> PgQueryAs<'_, T> {
    bind_arg!(q, a)
}

impl<'q> Query<'q> {
    pub fn bind(mut self, v: impl IntoArg) -> Self {
        self.args.push(v.into_arg());
        self
    }
    /// Runs a statement that returns no rows.
    pub async fn execute(self, on: &mut Conn) -> sqlx::Result<Done> {
        match on.raw() {
            Raw::Lite(c) => {
                let q = self
                    .args
                    .into_iter()
                    .fold(sqlx::query(self.sql.sqlite()), bind_lite);
                Ok(Done(q.execute(c).await?.rows_affected()))
            }
            Raw::Pg(c) => {
                let sql = self.sql.postgres();
                let q = self.args.into_iter().fold(sqlx::query(&sql), bind_pg);
                Ok(Done(q.execute(c).await?.rows_affected()))
            }
        }
    }
}

/// Several statements without arguments (a script), run as they are.
#[must_use]
pub struct Script<'q>(&'q str);

pub fn raw_sql(sql: &str) -> Script<'_> {
    Script(sql)
}

impl Script<'_> {
    pub async fn execute(self, on: &mut Conn) -> sqlx::Result<Done> {
        Ok(Done(match on.raw() {
            Raw::Lite(c) => sqlx::raw_sql(self.0).execute(c).await?.rows_affected(),
            Raw::Pg(c) => sqlx::raw_sql(self.0).execute(c).await?.rows_affected(),
        }))
    }
}

/// A row type both engines decode.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A column type both engines decode.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

impl<'q, T: Row> QueryAs<'q, T> {
    pub fn bind(mut self, v: impl IntoArg) -> Self {
        self.q = self.q.bind(v);
        self
    }
    pub async fn fetch_all(self, on: &mut Conn) -> sqlx::Result<Vec<T>> {
        let Query { sql, args } = self.q;
        match on.raw() {
            Raw::Lite(c) => {
                args.into_iter()
                    .fold(sqlx::query_as::<_, T>(sql.sqlite()), bind_lite_as)
                    .fetch_all(c)
                    .await
            }
            Raw::Pg(c) => {
                let sql = sql.postgres();
                args.into_iter()
                    .fold(sqlx::query_as::<_, T>(&sql), bind_pg_as)
                    .fetch_all(c)
                    .await
            }
        }
    }
    pub async fn fetch_optional(self, on: &mut Conn) -> sqlx::Result<Option<T>> {
        let Query { sql, args } = self.q;
        match on.raw() {
            Raw::Lite(c) => {
                args.into_iter()
                    .fold(sqlx::query_as::<_, T>(sql.sqlite()), bind_lite_as)
                    .fetch_optional(c)
                    .await
            }
            Raw::Pg(c) => {
                let sql = sql.postgres();
                args.into_iter()
                    .fold(sqlx::query_as::<_, T>(&sql), bind_pg_as)
                    .fetch_optional(c)
                    .await
            }
        }
    }
    pub async fn fetch_one(self, on: &mut Conn) -> sqlx::Result<T> {
        self.fetch_optional(on)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}

impl<'q, T: Scalar> QueryScalar<'q, T> {
    pub fn bind(mut self, v: impl IntoArg) -> Self {
        self.q = self.q.bind(v);
        self
    }
    pub async fn fetch_all(self, on: &mut Conn) -> sqlx::Result<Vec<T>> {
        let rows: Vec<(T,)> = QueryAs {
            q: self.q,
            _t: std::marker::PhantomData,
        }
        .fetch_all(on)
        .await?;
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }
    pub async fn fetch_optional(self, on: &mut Conn) -> sqlx::Result<Option<T>> {
        let row: Option<(T,)> = QueryAs {
            q: self.q,
            _t: std::marker::PhantomData,
        }
        .fetch_optional(on)
        .await?;
        Ok(row.map(|(v,)| v))
    }
    pub async fn fetch_one(self, on: &mut Conn) -> sqlx::Result<T> {
        self.fetch_optional(on)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::pg_placeholders;

    #[test]
    fn json_lists_are_typed_for_postgresql() {
        let sql = super::json_lists("WHERE a IN (SELECT value FROM json_each(?1)) OR b IN (SELECT value FROM json_each(?2))", &["text", "bigint"]);
        let super::Sql::ByEngine { postgres, .. } = sql else { panic!() };
        assert_eq!(
            postgres,
            "WHERE a IN (SELECT CAST(value AS text) FROM json_array_elements_text(CAST(?1 AS json)) AS e(value)) \
             OR b IN (SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(?2 AS json)) AS e(value))"
        );
    }

    #[test]
    fn placeholders_are_numbered_for_postgresql() {
        assert_eq!(
            pg_placeholders("SELECT a FROM t WHERE b = ? AND c = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $2"
        );
        assert_eq!(
            pg_placeholders("WHERE d = ?1 AND e < ?2 OR f = ?1"),
            "WHERE d = $1 AND e < $2 OR f = $1"
        );
        assert_eq!(
            pg_placeholders("SELECT '?', \"a?\" FROM t WHERE x = ? -- why?\n AND y = ?"),
            "SELECT '?', \"a?\" FROM t WHERE x = $1 -- why?\n AND y = $2"
        );
    }
}
