//! The device's local store: one module owns every localStorage key.
//!
//! Keys are versioned (`yl1.*`). A key that does not parse is dropped and rebuilt —
//! the app never crashes on bad storage — and keys of other versions are removed
//! at start, except the outbox, which is carried over when it still parses.
//! Where localStorage is missing (some in-app browsers) everything lives in memory
//! for the page's lifetime and the app says so.

use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

pub const PREFIX: &str = "yl1.";
pub const KEY_DEVICE: &str = "yl1.device";
/// The outbox of typed writes (`offline::write::Write`).
pub const KEY_OUTBOX: &str = "yl1.outbox2";
/// The outbox as versions before the typed writes kept it (method, path, body, entity):
/// read once at start into `KEY_OUTBOX`, nothing dropped.
pub const KEY_OUTBOX_V1: &str = "yl1.outbox";
pub const KEY_FAVORITES: &str = "yl1.favorites";
/// This device's requests (预约 and 申请) as last synced, and ones not yet sent.
pub const KEY_REQUESTS: &str = "yl1.requests";
/// This device's home-service orders as last synced, and ones not yet sent.
pub const KEY_ORDERS: &str = "yl1.orders";
/// The signed-in account and its CSRF token (the session itself is an HttpOnly cookie).
pub const KEY_SESSION: &str = "yl1.session";
/// The older person's profile, kept only on this phone.
pub const KEY_ELDER: &str = "yl1.elder";
/// The subsidy rule table as last fetched.
pub const KEY_RULES: &str = "yl1.rules";
/// This family's weekly 探访 plans as last fetched.
pub const KEY_WELFARE: &str = "yl1.welfare";
/// This phone shares a family's records with other phones (`true`): their lists are fetched
/// even while this phone has none of its own yet.
pub const KEY_SHARED: &str = "yl1.shared";

/// Keys of data fetched for one thing, each a copy the page falls back to offline.
pub mod keys {
    /// A place's next two weeks of visit and trial timeslots.
    pub fn timeslots(place_id: i64) -> String {
        format!("yl1.timeslots.{place_id}")
    }
    /// A home-care provider's page.
    pub fn provider(provider_id: i64) -> String {
        format!("yl1.provider.{provider_id}")
    }
    /// A provider's openings for one service item.
    pub fn openings(provider_id: i64, item: &str) -> String {
        format!("yl1.openings.{provider_id}.{item}")
    }
    /// Who serves a 街道 with one service item.
    pub fn providers(street_id: &str, item: &str) -> String {
        format!("yl1.providers.{street_id}.{item}")
    }
    /// The 助急 provider of a 街道 (kept so that the number is there when the signal is not).
    pub fn sos(street_id: &str) -> String {
        format!("yl1.sos.{street_id}")
    }

    /// Everything a desk account keeps on a shared tablet starts with this (removed at 退出登录).
    pub const DESK_PREFIX: &str = "yl1.op.";
    /// Everything a carer account keeps on a shared phone starts with this (removed at 退出登录).
    pub const CARER_PREFIX: &str = "yl1.carer.";
    /// The desk's places and providers.
    pub const DESK_PLACES: &str = "yl1.op.places";
    pub const DESK_PROVIDERS: &str = "yl1.op.providers";
    /// One place's (or provider's) list on the desk: `classes`, `requests`, `timeslots`,
    /// `place` (its editable details), `orders`, `carers`, `welfare`.
    pub fn desk(list: &str, id: i64) -> String {
        format!("{DESK_PREFIX}{list}.{id}")
    }
    /// One carer's visits (per account: a shared phone never shows one carer's list to another).
    pub fn carer_visits(user_id: i64) -> String {
        format!("{CARER_PREFIX}visits.{user_id}")
    }
}

/// One write waiting to reach the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Client-generated UUID, sent as `Idempotency-Key` on every attempt.
    pub id: String,
    /// What a user sees: "收藏 晨曦托育园（示例）".
    pub label: String,
    /// What it does (method, path, body and entity follow from it).
    pub write: crate::offline::write::Write,
    /// Device time when the user made it.
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    /// Set aside: the server refused it (409/4xx); kept until the user retries or discards.
    pub quarantined: bool,
    /// With a refused write whose target moved (409 stale): the server's current value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<serde_json::Value>,
    /// A signed-in write the server answered 401 (the session expired or was ended):
    /// kept, not retried, until someone signs in on this device again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_login: bool,
    /// The account a desk or carer write was made under: it is sent only with that
    /// account's session, never under the next person's on a shared tablet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountRef>,
}

/// Who made a signed-in write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountRef {
    pub id: i64,
    pub username: String,
}

/// An outbox item as versions before the typed writes stored it.
#[derive(Clone, Debug, Deserialize)]
pub struct StoredItemV1 {
    pub id: String,
    pub label: String,
    pub method: String,
    pub path: String,
    pub body: Option<serde_json::Value>,
    pub entity: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub quarantined: bool,
    #[serde(default)]
    pub conflict: Option<serde_json::Value>,
    #[serde(default)]
    pub needs_login: bool,
    #[serde(default)]
    pub account: Option<AccountRef>,
}

impl StoredItemV1 {
    /// The same item with its write typed; `None` for a write this version does not know.
    pub fn upgrade(self) -> Option<OutboxItem> {
        let write = crate::offline::write::Write::from_stored(&self.method, &self.path, self.body, &self.entity)?;
        Some(OutboxItem {
            id: self.id,
            label: self.label,
            write,
            created_at: self.created_at,
            attempts: self.attempts,
            last_error: self.last_error,
            next_attempt_at: self.next_attempt_at,
            quarantined: self.quarantined,
            conflict: self.conflict,
            needs_login: self.needs_login,
            account: self.account,
        })
    }
}

impl OutboxItem {
    /// The record it is about: items of one entity (`offline::write::entity`) are sent in order.
    pub fn entity(&self) -> String {
        self.write.entity()
    }

    /// A new item, made now, with a fresh id (the Idempotency-Key of every attempt).
    pub fn new(label: String, write: crate::offline::write::Write) -> Self {
        let now = Utc::now();
        #[cfg(feature = "hydrate")]
        let id = browser::new_id();
        #[cfg(not(feature = "hydrate"))]
        let id = uuid_v4(now.timestamp_nanos_opt().unwrap_or_default().to_le_bytes().repeat(2).try_into().unwrap_or([0; 16]));
        OutboxItem {
            id,
            label,
            write,
            created_at: now,
            attempts: 0,
            last_error: None,
            next_attempt_at: now,
            quarantined: false,
            conflict: None,
            needs_login: false,
            account: None,
        }
    }
}

/// A place saved on this device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedPlace {
    pub place_id: i64,
    pub name: String,
    pub saved_at: DateTime<Utc>,
}

/// Exponential backoff with full jitter: 2 s, 4 s, 8 s … capped at 5 minutes;
/// `jitter` in [0, 1).
pub fn backoff_ms(attempts: u32, jitter: f64) -> i64 {
    let cap = 300_000.0;
    let base = (2_000.0 * 2f64.powi(attempts.saturating_sub(1).min(16) as i32)).min(cap);
    (base / 2.0 + base / 2.0 * jitter.clamp(0.0, 1.0)) as i64
}

/// The wait before the next try: the backoff, but never less than the server's
/// `Retry-After` (capped at an hour: a wrong header must not park a write for days).
pub fn retry_wait_ms(backoff_ms: i64, retry_after_s: Option<u32>) -> i64 {
    backoff_ms.max(retry_after_s.map_or(0, |s| s.min(3600) as i64 * 1000))
}

/// Parses a stored value; `None` (and the caller drops the key) when it does not parse.
pub fn parse<T: DeserializeOwned>(raw: &str) -> Option<T> {
    serde_json::from_str(raw).ok()
}

/// A random UUID v4 from the given 16 random bytes.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(feature = "hydrate")]
pub mod browser {
    //! The localStorage side (gloo-storage).
    use super::*;
    use gloo_storage::{LocalStorage, Storage};
    use std::cell::RefCell;
    use std::collections::HashMap;

    thread_local! {
        static MEMORY: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }

    /// Whether localStorage works here (it may be missing or throw in some in-app browsers).
    pub fn available() -> bool {
        let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) else { return false };
        s.set_item("yl1.probe", "1").is_ok() && s.remove_item("yl1.probe").is_ok()
    }

    fn raw_get(key: &str) -> Option<String> {
        if available() {
            LocalStorage::raw().get_item(key).ok().flatten()
        } else {
            MEMORY.with(|m| m.borrow().get(key).cloned())
        }
    }

    fn raw_set(key: &str, value: &str) -> Result<(), String> {
        if available() {
            LocalStorage::raw().set_item(key, value).map_err(|_| "本机存储空间已满".to_string())
        } else {
            MEMORY.with(|m| m.borrow_mut().insert(key.to_string(), value.to_string()));
            Ok(())
        }
    }

    pub fn remove(key: &str) {
        if available() {
            LocalStorage::delete(key);
        } else {
            MEMORY.with(|m| m.borrow_mut().remove(key));
        }
    }

    /// A signed-in account's cache: written only while someone is signed in on this device,
    /// so a load that finishes after 退出登录 leaves nothing of the account behind.
    pub fn write_signed_in<T: Serialize>(key: &str, value: &T) -> Result<(), String> {
        if raw_get(crate::offline::store::KEY_SESSION).is_none() {
            return Ok(());
        }
        write(key, value)
    }

    /// Removes every key that starts with `prefix` (an account's caches at sign-out).
    pub fn remove_prefix(prefix: &str) {
        if available() {
            let s = LocalStorage::raw();
            let n = s.length().unwrap_or(0);
            let keys: Vec<String> = (0..n).filter_map(|i| s.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect();
            for k in keys {
                let _ = s.remove_item(&k);
            }
        } else {
            MEMORY.with(|m| m.borrow_mut().retain(|k, _| !k.starts_with(prefix)));
        }
    }

    /// Reads a key; a value that does not parse is dropped (and `None` returned).
    pub fn read<T: DeserializeOwned>(key: &str) -> Option<T> {
        let raw = raw_get(key)?;
        match parse(&raw) {
            Some(v) => Some(v),
            None => {
                leptos::logging::log!("本机存储的 {key} 已损坏，已清除并重建");
                remove(key);
                None
            }
        }
    }

    pub fn write<T: Serialize>(key: &str, value: &T) -> Result<(), String> {
        let s = serde_json::to_string(value).map_err(|e| e.to_string())?;
        raw_set(key, &s)
    }

    /// Bytes localStorage holds for this app (UTF-16: two bytes a character).
    pub fn bytes_used() -> usize {
        if !available() {
            return 0;
        }
        let s = LocalStorage::raw();
        let n = s.length().unwrap_or(0);
        (0..n)
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with("yl"))
            .map(|k| (k.encode_utf16().count() + s.get_item(&k).ok().flatten().map(|v| v.encode_utf16().count()).unwrap_or(0)) * 2)
            .sum()
    }

    /// At start: drop keys of other store versions, carrying an old outbox over if it parses;
    /// an outbox of untyped writes (`KEY_OUTBOX_V1`, or another version's) becomes typed.
    pub fn migrate() {
        if !available() {
            return;
        }
        let s = LocalStorage::raw();
        let keys: Vec<String> = (0..s.length().unwrap_or(0)).filter_map(|i| s.key(i).ok().flatten()).collect();
        for k in keys {
            let old_version = k.starts_with("yl") && !k.starts_with(PREFIX);
            if !(old_version || k == KEY_OUTBOX_V1) {
                continue;
            }
            if k.ends_with(".outbox") {
                if let Some(items) = raw_get(&k).and_then(|v| parse::<Vec<StoredItemV1>>(&v)) {
                    // appended to what is already typed (an older tab may have written the old
                    // key after this version first ran): nothing is lost, nothing doubled
                    let mut typed: Vec<OutboxItem> = read(KEY_OUTBOX).unwrap_or_default();
                    let mut unknown = false;
                    for item in items {
                        if typed.iter().any(|t| t.id == item.id) {
                            continue;
                        }
                        match item.upgrade() {
                            Some(t) => typed.push(t),
                            None => unknown = true,
                        }
                    }
                    typed.sort_by_key(|t| t.created_at);
                    if write(KEY_OUTBOX, &typed).is_err() || unknown {
                        // never dropped unseen: a write this version cannot read stays where it was
                        continue;
                    }
                }
            }
            remove(&k);
        }
    }

    pub fn random_bytes() -> [u8; 16] {
        let mut b = [0u8; 16];
        if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
            let _ = c.get_random_values_with_u8_array(&mut b);
        }
        if b == [0u8; 16] {
            for x in b.iter_mut() {
                *x = (js_sys::Math::random() * 256.0) as u8;
            }
        }
        b
    }

    pub fn new_id() -> String {
        uuid_v4(random_bytes())
    }

    /// This device's key: made on first start, kept for good.
    pub fn device_key() -> String {
        if let Some(k) = read::<String>(KEY_DEVICE).filter(|k| k.len() >= 22) {
            return k;
        }
        let k = new_id();
        let _ = write(KEY_DEVICE, &k);
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        assert_eq!(backoff_ms(1, 0.0), 1_000);
        assert_eq!(backoff_ms(1, 0.999_999), 1_999);
        assert_eq!(backoff_ms(3, 0.0), 4_000);
        assert_eq!(backoff_ms(30, 1.0), 300_000);
        assert!((1..20).all(|a| backoff_ms(a + 1, 0.5) >= backoff_ms(a, 0.5)));
    }

    #[test]
    fn a_retry_never_comes_sooner_than_the_server_asked() {
        assert_eq!(retry_wait_ms(1_000, None), 1_000);
        assert_eq!(retry_wait_ms(1_000, Some(2)), 2_000, "503 Retry-After: 2");
        assert_eq!(retry_wait_ms(8_000, Some(2)), 8_000, "the backoff when longer");
        assert_eq!(retry_wait_ms(1_000, Some(60)), 60_000, "429 Retry-After: 60");
        assert_eq!(retry_wait_ms(1_000, Some(u32::MAX)), 3_600_000, "capped at an hour");
    }

    #[test]
    fn uuids_are_v4() {
        let u = uuid_v4([0xff; 16]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn bad_json_does_not_parse() {
        assert_eq!(parse::<Vec<OutboxItem>>("{bad"), None);
        assert_eq!(parse::<Vec<OutboxItem>>("[]"), Some(vec![]));
    }
}
