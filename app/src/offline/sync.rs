//! The device's offline state as signals: online or not, the outbox, saved places.
//! Loaded from the local store after hydration (the server renders the defaults,
//! so hydration always matches), then kept in step with it.
//!
//! The outbox sends each item with its id as `Idempotency-Key`, in order per entity,
//! on start, on `online`, when the page becomes visible and every 10 s while
//! visible; failures back off exponentially with jitter. Nothing is dropped
//! silently: a refused item is set aside with the server's message until the user
//! retries or discards it.

use crate::model::requests::RequestView;
use crate::offline::store::{OutboxItem, SavedPlace};
use crate::offline::write::{Body, Write};
use chrono::Utc;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Device {
    pub online: RwSignal<bool>,
    pub outbox: RwSignal<Vec<OutboxItem>>,
    pub saved: RwSignal<Vec<SavedPlace>>,
    /// localStorage works (false in some in-app browsers: nothing survives a reload).
    pub storage_ok: RwSignal<bool>,
    /// The local store has been read (after hydration).
    pub ready: RwSignal<bool>,
    /// When the cached areas last reached the server (delta sync).
    pub last_sync: RwSignal<Option<chrono::DateTime<Utc>>>,
    /// Bumped whenever the outbox has just been emptied (pages refresh server state).
    pub delivered: RwSignal<u32>,
    /// This device's requests to places: the server's view, plus ones not sent yet.
    pub requests: RwSignal<Vec<RequestView>>,
    /// This device's home-service orders: the server's view, plus ones not sent yet.
    pub orders: RwSignal<Vec<crate::model::orders::OrderView>>,
}

/// Which of the family's lists this bundle keeps in step (reads at start, refreshes, writes
/// back): a bundle without the pages that show a list neither reads nor rewrites it — it
/// stays on the device as the last bundle that showed it left it — so its code (the
/// list's decoder) is not in that bundle. Orders: the families' pages; requests: the
/// parents' and the families' (我的信息).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEEPS_ORDERS: bool = cfg!(any(feature = "care", not(feature = "hydrate")));
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEEPS_REQUESTS: bool = cfg!(not(any(feature = "desk", feature = "admin")));

pub fn use_device() -> Device {
    expect_context::<Device>()
}

impl Device {
    pub fn pending(&self) -> usize {
        self.outbox.with(|o| o.iter().filter(|i| !i.quarantined && !i.needs_login).count())
    }
    /// Writes that wait for someone to sign in again on this device.
    pub fn waiting_for_login(&self) -> usize {
        self.outbox.with(|o| o.iter().filter(|i| i.needs_login).count())
    }
    pub fn set_aside(&self) -> usize {
        self.outbox.with(|o| o.iter().filter(|i| i.quarantined).count())
    }
    pub fn is_saved(&self, place_id: i64) -> bool {
        self.saved.with(|s| s.iter().any(|p| p.place_id == place_id))
    }
    /// Whether a write about this entity is still on the device (waiting, or set aside).
    pub fn has_pending(&self, entity: &str) -> bool {
        self.outbox.with(|o| o.iter().any(|i| i.entity() == entity))
    }
    /// Whether a write about this entity is waiting to be sent (not set aside).
    pub fn is_sending(&self, entity: &str) -> bool {
        self.outbox.with(|o| o.iter().any(|i| i.entity() == entity && !i.quarantined))
    }
    /// Whether any write of one kind (`entity::CLASSES` …) waits to be sent — read without
    /// subscribing, for a list about to be replaced by the server's copy.
    pub fn has_unsent(&self, kind: &str) -> bool {
        self.outbox.with_untracked(|o| o.iter().any(|i| i.entity().starts_with(kind) && !i.quarantined))
    }
    /// The latest write about this entity still on the device.
    pub fn latest_of(&self, entity: &str) -> Option<OutboxItem> {
        self.outbox.with(|o| o.iter().rev().find(|i| i.entity() == entity).cloned())
    }
    /// The write about this entity the server refused (set aside until someone decides).
    pub fn refused_of(&self, entity: &str) -> Option<OutboxItem> {
        self.outbox.with(|o| o.iter().find(|i| i.entity() == entity && i.quarantined).cloned())
    }
    /// Every write about this entity still on the device, oldest first.
    pub fn queued_of(&self, entity: &str) -> Vec<OutboxItem> {
        self.outbox.with(|o| o.iter().filter(|i| i.entity() == entity).cloned().collect())
    }
}

pub fn provide_device() -> Device {
    let d = Device {
        online: RwSignal::new(true),
        outbox: RwSignal::new(vec![]),
        saved: RwSignal::new(vec![]),
        storage_ok: RwSignal::new(true),
        ready: RwSignal::new(false),
        last_sync: RwSignal::new(None),
        delivered: RwSignal::new(0),
        requests: RwSignal::new(vec![]),
        orders: RwSignal::new(vec![]),
    };
    provide_context(d);
    #[cfg(feature = "hydrate")]
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            browser::start(d);
        }
    });
    d
}

/// Saves or un-saves a place: shown at once, sent through the outbox.
pub fn toggle_saved(d: Device, place_id: i64, name: String) {
    let saving = !d.is_saved(place_id);
    let now = Utc::now();
    d.saved.update(|s| {
        if saving {
            s.insert(0, SavedPlace { place_id, name: name.clone(), saved_at: now });
        } else {
            s.retain(|p| p.place_id != place_id);
        }
    });
    let (write, label) = if saving {
        (Write::SaveFavorite { place_id }, format!("收藏 {name}"))
    } else {
        (Write::RemoveFavorite { place_id }, format!("取消收藏 {name}"))
    };
    enqueue(d, label, write);
}

/// Queues a write: kept on the device at once (shown as 已保存待发送), sent when it can be.
/// A desk or carer write remembers the account it is made under.
pub fn enqueue(d: Device, label: String, write: Write) {
    let mut item = OutboxItem::new(label, write);
    if item.write.signed_in() {
        item.account = current_account();
    }
    d.outbox.update(|o| o.push(item));
    persist(d);
    flush(d);
}

/// A parent's request: kept on the device at once (shown as 已保存待发送), sent through the outbox.
pub fn submit_request(d: Device, new: &crate::model::requests::NewRequest, local: RequestView, label: String) {
    d.requests.update(|r| r.insert(0, local));
    persist(d);
    enqueue(d, label, Write::CreateRequest { request: Body::new(new) });
}

/// Cancels a request (after any queued send of it: same entity, in order).
pub fn cancel_request(d: Device, id: &str, label: String) {
    enqueue(d, label, Write::CancelRequest { id: id.to_string() });
}

/// The server's list of this device's requests, with the ones still on the device kept:
/// a request the server does not know is dropped only once nothing of it is queued.
pub fn merge_requests(server: Vec<RequestView>, local: &[RequestView], outbox: &[OutboxItem]) -> Vec<RequestView> {
    merge_kept(server, local, outbox, "request", |r| &r.id, |r| r.created_at)
}

/// The server's list, except that a record with something still queued (not sent yet, or
/// set aside) is shown as this device has it — a rating or 改期 made offline is not undone
/// on screen by a sync that comes before it is delivered. Newest first.
pub fn merge_kept<T: Clone>(
    server: Vec<T>,
    local: &[T],
    outbox: &[OutboxItem],
    kind: &str,
    id: impl Fn(&T) -> &str,
    created: impl Fn(&T) -> chrono::DateTime<Utc>,
) -> Vec<T> {
    let mut out = server;
    for r in local {
        let entity = format!("{kind}:{}", id(r));
        if !outbox.iter().any(|i| i.entity() == entity) {
            continue;
        }
        match out.iter_mut().find(|s| id(s) == id(r)) {
            Some(s) => *s = r.clone(),
            None => out.push(r.clone()),
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(created(r)));
    out
}

/// A home-service order: kept on the device at once, sent through the outbox.
pub fn submit_order(d: Device, new: &crate::model::orders::NewOrder, local: crate::model::orders::OrderView, label: String) {
    d.orders.update(|o| o.insert(0, local));
    persist(d);
    enqueue(d, label, Write::CreateOrder { order: Body::new(new) });
}

/// Cancels an order (after any queued send of it).
pub fn cancel_order(d: Device, id: &str, label: String) {
    enqueue(d, label, Write::CancelOrder { id: id.to_string() });
}

/// Rates a completed visit: shown at once, sent through the outbox.
pub fn rate_order(d: Device, id: &str, r: &crate::model::orders::NewRating, label: String) {
    d.orders.update(|o| {
        if let Some(x) = o.iter_mut().find(|x| x.id == id) {
            x.rating = Some(r.stars);
            x.rating_comment = r.comment.clone();
        }
    });
    persist(d);
    enqueue(d, label, Write::RateOrder { id: id.to_string(), rating: Body::new(r) });
}

/// Moves an order to another timeslot (back to 已提交 for the provider to confirm).
pub fn reschedule_order(d: Device, id: &str, r: &crate::model::orders::Reschedule, start: String, end: String, label: String) {
    d.orders.update(|o| {
        if let Some(x) = o.iter_mut().find(|x| x.id == id) {
            x.date = r.date.clone();
            x.start = start;
            x.end = end;
            x.status = crate::model::orders::OrderStatus::Submitted;
            x.carer = None;
        }
    });
    persist(d);
    enqueue(d, label, Write::RescheduleOrder { id: id.to_string(), to: Body::new(r) });
}

/// Drops every queued item of an entity (a resolved conflict replaces them).
pub fn discard_entity(d: Device, entity: &str) {
    d.outbox.update(|o| o.retain(|i| i.entity() != entity));
    persist(d);
}

/// Retry now (a set-aside item gets a new id: the old one is tied to the refused request).
pub fn retry(d: Device, id: &str) {
    d.outbox.update(|o| {
        if let Some(i) = o.iter_mut().find(|i| i.id == id) {
            if i.quarantined {
                #[cfg(feature = "hydrate")]
                {
                    i.id = crate::offline::store::browser::new_id();
                }
            }
            i.quarantined = false;
            i.needs_login = false;
            i.next_attempt_at = Utc::now();
        }
    });
    persist(d);
    flush(d);
}

/// What a write waiting for a new sign-in says.
pub const NEEDS_LOGIN: &str = "需要重新登录：登录已失效，重新登录后自动发送";

/// The account signed in on this device, if any.
pub fn current_account() -> Option<crate::offline::store::AccountRef> {
    #[cfg(feature = "hydrate")]
    {
        crate::offline::store::browser::read::<crate::model::LoginResponse>(crate::offline::store::KEY_SESSION)
            .map(|s| crate::offline::store::AccountRef { id: s.user.id, username: s.user.username })
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Whether a queued item may be sent with the session of `account` (the one signed in):
/// a signed-in write only with the session of the account that made it.
pub fn sendable_by(item: &OutboxItem, account: Option<i64>) -> bool {
    match &item.account {
        Some(a) => Some(a.id) == account,
        None => true,
    }
}

/// The writes of an account still on this device.
pub fn queued_by(d: Device, account: i64) -> usize {
    d.outbox.with(|o| o.iter().filter(|i| i.account.as_ref().is_some_and(|a| a.id == account)).count())
}

/// Drops an account's queued writes (its user chose 放弃并退出).
pub fn discard_account(d: Device, account: i64) {
    d.outbox.update(|o| o.retain(|i| !i.account.as_ref().is_some_and(|a| a.id == account)));
    persist(d);
}

/// After a sign-in: that account's writes that waited for one go out now, with its session.
pub fn resume_after_login(d: Device) {
    let me = current_account().map(|a| a.id);
    let any = d.outbox.with_untracked(|o| o.iter().any(|i| i.needs_login && sendable_by(i, me)));
    if any {
        d.outbox.update(|o| {
            for i in o.iter_mut().filter(|i| i.needs_login && sendable_by(i, me)) {
                i.needs_login = false;
                i.last_error = None;
                i.next_attempt_at = Utc::now();
            }
        });
        persist(d);
    }
    flush(d);
}

/// Discard an item (the user's explicit choice); a discarded 收藏 is undone locally.
pub fn discard(d: Device, id: &str) {
    let item = d.outbox.with_untracked(|o| o.iter().find(|i| i.id == id).cloned());
    d.outbox.update(|o| o.retain(|i| i.id != id));
    if let Some(i) = item {
        if let Write::SaveFavorite { place_id } = i.write {
            d.saved.update(|s| s.retain(|p| p.place_id != place_id));
        }
    }
    persist(d);
}

fn persist(_d: Device) {
    #[cfg(feature = "hydrate")]
    {
        use crate::offline::store::{browser::write, KEY_FAVORITES, KEY_OUTBOX};
        let _ = write(KEY_OUTBOX, &_d.outbox.get_untracked());
        let _ = write(KEY_FAVORITES, &_d.saved.get_untracked());
        if KEEPS_REQUESTS {
            let _ = write(crate::offline::store::KEY_REQUESTS, &_d.requests.get_untracked());
        }
        if KEEPS_ORDERS {
            let _ = write(crate::offline::store::KEY_ORDERS, &_d.orders.get_untracked());
        }
    }
}

/// Fetches this device's requests from the server (when it has any).
/// On a page of this device's own requests or orders: refreshes them from the server as soon
/// as the kept copy is read (and again whenever the device reads it anew).
pub fn refresh_own_when_ready(d: Device) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if d.ready.get() {
            sync_requests(d);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = d;
}

pub fn sync_requests(_d: Device) {
    #[cfg(feature = "hydrate")]
    browser::sync_requests(_d);
}

pub fn flush(_d: Device) {
    #[cfg(feature = "hydrate")]
    browser::flush(_d);
}

/// Delta sync of the cached areas (and the outbox first).
pub fn sync(_d: Device) {
    #[cfg(feature = "hydrate")]
    {
        browser::flush(_d);
        leptos::task::spawn_local(async move {
            if let Some(at) = crate::offline::cache::browser::sync().await {
                _d.last_sync.set(Some(at));
            }
        });
        browser::sync_requests(_d);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::net::client::{ApiClient, ClientError, Outgoing};
    use crate::offline::store::{backoff_ms, browser as st, retry_wait_ms, KEY_FAVORITES, KEY_OUTBOX};
    use std::cell::Cell;
    use std::collections::HashSet;
    use wasm_bindgen::{prelude::*, JsCast};

    thread_local! {
        static FLUSHING: Cell<bool> = const { Cell::new(false) };
    }

    pub fn start(d: Device) {
        d.storage_ok.set(st::available());
        st::migrate();
        d.outbox.set(st::read(KEY_OUTBOX).unwrap_or_default());
        d.saved.set(st::read(KEY_FAVORITES).unwrap_or_default());
        if KEEPS_REQUESTS {
            d.requests.set(st::read(crate::offline::store::KEY_REQUESTS).unwrap_or_default());
        }
        if KEEPS_ORDERS {
            d.orders.set(st::read(crate::offline::store::KEY_ORDERS).unwrap_or_default());
        }
        let _ = st::device_key();
        d.online.set(web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true));
        d.ready.set(true);

        let on_online = Closure::<dyn Fn()>::new(move || {
            d.online.set(true);
            super::sync(d);
        });
        let on_offline = Closure::<dyn Fn()>::new(move || d.online.set(false));
        let on_visible = Closure::<dyn Fn()>::new(move || {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .map(|doc| doc.visibility_state() == web_sys::VisibilityState::Visible)
                .unwrap_or(true);
            if visible {
                super::sync(d);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
            let _ = w.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
            if let Some(doc) = w.document() {
                let _ = doc.add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
            }
        }
        // The listeners live as long as the page.
        on_online.forget();
        on_offline.forget();
        on_visible.forget();
        // While visible: the outbox every 10 s, the cache every 60 s.
        let ticks = std::rc::Rc::new(Cell::new(0u32));
        set_interval(
            move || {
                let visible = web_sys::window()
                    .and_then(|w| w.document())
                    .map(|doc| doc.visibility_state() == web_sys::VisibilityState::Visible)
                    .unwrap_or(true);
                if visible {
                    ticks.set(ticks.get() + 1);
                    if ticks.get() % 6 == 0 {
                        super::sync(d);
                    } else {
                        flush(d);
                    }
                }
            },
            std::time::Duration::from_secs(10),
        );
        d.last_sync.set(crate::offline::cache::browser::sync_state().last_sync_at);
        super::sync(d);
        reconcile_saved(d);
    }

    fn update_item(d: Device, id: &str, f: impl FnOnce(&mut OutboxItem)) {
        d.outbox.update(|o| {
            if let Some(i) = o.iter_mut().find(|i| i.id == id) {
                f(i);
            }
        });
        let _ = st::write(KEY_OUTBOX, &d.outbox.get_untracked());
    }

    fn message_of(body: &serde_json::Value, status: u16) -> String {
        let mut m = body["message"].as_str().map(str::to_string).unwrap_or_else(|| format!("服务器拒绝了这项提交（HTTP {status}）"));
        if let Some(fields) = body["fields"].as_array() {
            for f in fields {
                if let Some(fm) = f["message"].as_str() {
                    m.push_str("：");
                    m.push_str(fm);
                }
            }
        }
        m
    }

    pub fn flush(d: Device) {
        if FLUSHING.with(|f| f.replace(true)) {
            return;
        }
        leptos::task::spawn_local(async move {
            let client = ApiClient::same_origin();
            let key = st::device_key();
            let me = super::current_account().map(|a| a.id);
            let mut blocked: HashSet<String> = HashSet::new();
            // Entities waiting for a person (a set-aside item, a sign-in): no timer for them.
            let mut held: HashSet<String> = HashSet::new();
            let mut delivered = 0;
            for item in d.outbox.get_untracked() {
                let entity = item.entity();
                // A set-aside item holds back the later items of its entity: they were
                // made on top of it, and sending them could apply a change out of order.
                // Another account's desk write waits for that account: never sent under this one.
                if item.quarantined || item.needs_login || !sendable_by(&item, me) || held.contains(&entity) {
                    held.insert(entity.clone());
                    blocked.insert(entity.clone());
                    continue;
                }
                if blocked.contains(&entity) {
                    continue;
                }
                // discarded or replaced (a resolved conflict) while this run was going
                if !d.outbox.with_untracked(|o| o.iter().any(|i| i.id == item.id)) {
                    continue;
                }
                if item.next_attempt_at > Utc::now() {
                    blocked.insert(entity.clone());
                    continue;
                }
                // Signed-in writes (the desk's and the carer's) carry the session's CSRF token.
                let csrf = item.write.signed_in()
                    .then(|| st::read::<crate::model::LoginResponse>(crate::offline::store::KEY_SESSION).map(|s| s.csrf_token))
                    .flatten();
                let body = item.write.body();
                let answer = client
                    .send_write(Outgoing::new(item.write.method(), &item.write.path(), &key, &item.id).body(body.as_ref()).csrf(csrf.as_deref()))
                    .await
                    .map(|a| (a.status, a.body, a.retry_after_s));
                match answer {
                    Ok((s, _, _)) if (200..300).contains(&s) => {
                        d.outbox.update(|o| o.retain(|i| i.id != item.id));
                        let _ = st::write(KEY_OUTBOX, &d.outbox.get_untracked());
                        delivered += 1;
                    }
                    Ok((401, _, _)) if item.write.signed_in() => {
                        // The session ended: the same request will be refused until someone
                        // signs in again, so it waits (kept, in order) instead of retrying.
                        update_item(d, &item.id, |i| {
                            i.needs_login = true;
                            i.attempts += 1;
                            i.last_error = Some(NEEDS_LOGIN.into());
                        });
                        held.insert(entity.clone());
                        blocked.insert(entity.clone());
                    }
                    Ok((s, body, _)) if (400..500).contains(&s) && !matches!(s, 401 | 408 | 429) => {
                        // Refused: retrying the same request cannot help. Set aside, keep the rest going.
                        let msg = message_of(&body, s);
                        let current = body.get("current").cloned().filter(|c| !c.is_null());
                        update_item(d, &item.id, |i| {
                            i.quarantined = true;
                            i.attempts += 1;
                            i.last_error = Some(msg);
                            i.conflict = current;
                        });
                        held.insert(entity.clone());
                        blocked.insert(entity.clone());
                    }
                    Ok((s, _, retry_after)) => {
                        // busy (503) or too fast (429): never sooner than the server asked
                        let wait = retry_wait_ms(backoff_ms(item.attempts + 1, js_sys::Math::random()), retry_after);
                        update_item(d, &item.id, |i| {
                            i.attempts += 1;
                            i.last_error = Some(format!("服务器暂时无法处理（HTTP {s}），稍后自动重试"));
                            i.next_attempt_at = Utc::now() + chrono::Duration::milliseconds(wait);
                        });
                        blocked.insert(entity.clone());
                    }
                    Err(ClientError::Network(_)) | Err(_) => {
                        let wait = backoff_ms(item.attempts + 1, js_sys::Math::random());
                        update_item(d, &item.id, |i| {
                            i.attempts += 1;
                            i.last_error = Some("网络不可用，联网后自动发送".into());
                            i.next_attempt_at = Utc::now() + chrono::Duration::milliseconds(wait);
                        });
                        // No network: the others would fail the same way.
                        break;
                    }
                }
            }
            FLUSHING.with(|f| f.set(false));
            if delivered > 0 && d.pending() == 0 {
                reconcile_saved(d);
                sync_requests(d);
                d.delivered.update(|n| *n += 1);
            }
            // Wake up for the earliest retry that is due (timer, online and
            // visibility triggers also flush).
            let next = d
                .outbox
                .with_untracked(|o| {
                    o.iter().filter(|i| !i.quarantined && !i.needs_login && sendable_by(i, me) && !held.contains(&i.entity())).map(|i| i.next_attempt_at).min()
                });
            if let Some(next) = next {
                if d.online.get_untracked() {
                    let wait = (next - Utc::now()).num_milliseconds().clamp(200, 300_000) as u64;
                    set_timeout(move || flush(d), std::time::Duration::from_millis(wait));
                }
            }
        });
    }

    /// The server's status of this device's requests and orders (only when it has made some).
    pub fn sync_requests(d: Device) {
        let shared = st::read::<bool>(crate::offline::store::KEY_SHARED).unwrap_or(false);
        if KEEPS_REQUESTS && (shared || !d.requests.with_untracked(|r| r.is_empty())) {
            leptos::task::spawn_local(async move {
                let c = ApiClient::same_origin();
                if let Ok(r) = c.my_requests(&st::device_key()).await {
                    let merged = d.outbox.with_untracked(|o| d.requests.with_untracked(|l| super::merge_requests(r.requests, l, o)));
                    let _ = st::write(crate::offline::store::KEY_REQUESTS, &merged);
                    d.requests.set(merged);
                }
            });
        }
        if KEEPS_ORDERS && (shared || !d.orders.with_untracked(|r| r.is_empty())) {
            leptos::task::spawn_local(async move {
                let c = ApiClient::same_origin();
                if let Ok(r) = c.my_orders(&st::device_key()).await {
                    let merged = d.outbox.with_untracked(|o| {
                        d.orders.with_untracked(|l| super::merge_kept(r.orders, l, o, "order", |x| &x.id, |x| x.created_at))
                    });
                    let _ = st::write(crate::offline::store::KEY_ORDERS, &merged);
                    d.orders.set(merged);
                }
            });
        }
    }

    /// The server's list of saved places, with this device's unsent changes on top.
    pub fn reconcile_saved(d: Device) {
        leptos::task::spawn_local(async move {
            let client = ApiClient::same_origin();
            let Ok(server) = client.favorites(&st::device_key()).await else { return };
            let mut saved: Vec<SavedPlace> = server
                .favorites
                .into_iter()
                .map(|f| SavedPlace { place_id: f.place_id, name: f.name, saved_at: f.created_at })
                .collect();
            for i in d.outbox.get_untracked() {
                match i.write {
                    Write::SaveFavorite { place_id } if !saved.iter().any(|p| p.place_id == place_id) => {
                        let name = i.label.trim_start_matches("收藏 ").to_string();
                        saved.insert(0, SavedPlace { place_id, name, saved_at: i.created_at });
                    }
                    Write::RemoveFavorite { place_id } => saved.retain(|p| p.place_id != place_id),
                    _ => {}
                }
            }
            d.saved.set(saved);
            let _ = st::write(KEY_FAVORITES, &d.saved.get_untracked());
        });
    }
}

#[cfg(test)]
mod tests {
    use super::merge_kept;
    use crate::offline::store::OutboxItem;
    use chrono::{Duration, Utc};

    #[derive(Clone, Debug, PartialEq)]
    struct Rec {
        id: &'static str,
        status: &'static str,
        at: chrono::DateTime<Utc>,
    }

    #[test]
    fn a_record_with_something_queued_stays_as_the_device_has_it() {
        let t = Utc::now();
        let rec = |id, status, age: i64| Rec { id, status, at: t - Duration::minutes(age) };
        let server = vec![rec("a", "completed", 3), rec("b", "assigned", 2)];
        // "a" rated offline (queued), "c" made offline (not on the server yet), "d" gone and nothing queued
        let local = vec![rec("a", "completed+rated", 3), rec("c", "submitted", 1), rec("d", "submitted", 5)];
        let queued = |id: &str| OutboxItem::new("x".into(), crate::offline::write::Write::CancelOrder { id: id.into() });
        let outbox = vec![queued("a"), queued("c")];
        let merged = merge_kept(server, &local, &outbox, "order", |r| r.id, |r| r.at);
        let got: Vec<(&str, &str)> = merged.iter().map(|r| (r.id, r.status)).collect();
        assert_eq!(got, [("c", "submitted"), ("b", "assigned"), ("a", "completed+rated")]);
    }
}
