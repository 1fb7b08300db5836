//! `/me` 我的信息 (and `/me/join?code=…`): everything the server holds for this phone's family —
//! readable and as a JSON file —, the consents with 撤回, who viewed the data (查看记录), moving to
//! a new phone or sharing with family (one-time codes, a recovery code), and 删除我的信息.
//! Reading and these actions need the network (they answer at once); a withdrawal is queued
//! like any other write.

use crate::app::use_now;
use crate::model::orders::OrderStatus;
use crate::model::privacy::{Purpose, TransferCode, TransferMode};
use crate::model::{CapabilityLevel, ElderCategory, PriorityGround, RequestKind, RequestStatus, ServiceItem};
use serde_json::Value;
use crate::offline::sync::{enqueue, use_device, Device};
use crate::offline::write::{entity, Write};
use crate::rules::format::ago;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// What the page knows of the server's copy (read in the browser only). The answer is read as
/// a JSON value, not into `MyData`: the families' bundle then carries no decoder of its own for
/// every record type (the budget in tests/e2e/budgets.spec.mjs).
#[derive(Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Loaded {
    Reading,
    /// What was read, and the JSON text as the server sent it (the download).
    Data(Value, String),
    Failed(String),
}

/// What the page's actions answered: kept by the page, so that reading the server's copy again
/// (after a code is entered, a withdrawal is delivered, the data is deleted) does not lose it.
#[derive(Clone, Copy)]
struct Ui {
    code: RwSignal<Option<TransferCode>>,
    recovery: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    joined: RwSignal<Option<Result<String, String>>>,
    asking: RwSignal<bool>,
    erased: RwSignal<Option<Result<String, String>>>,
}

impl Ui {
    fn new() -> Self {
        Ui {
            code: RwSignal::new(None),
            recovery: RwSignal::new(None),
            error: RwSignal::new(None),
            joined: RwSignal::new(None),
            asking: RwSignal::new(false),
            erased: RwSignal::new(None),
        }
    }
}

/// A text field of a record ("" when absent).
fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn list<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    list_of(v, k)
}

fn list_of<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn when(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok()).map(crate::rules::format::beijing_datetime)
}

#[component]
pub fn MePage() -> impl IntoView {
    let d = use_device();
    let loaded = RwSignal::new(Loaded::Reading);
    let reload = RwSignal::new(0u32);
    let ui = Ui::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        reload.track();
        d.delivered.track();
        if !d.ready.get() {
            return;
        }
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            loaded.set(match c.my_data(&crate::offline::store::browser::device_key()).await {
                Ok((data, raw)) => {
                    adopt(d, &data);
                    Loaded::Data(data, raw)
                }
                Err(e) if e.status().is_none() => Loaded::Failed("离线：查看服务器上的信息需要联网。".into()),
                Err(e) => Loaded::Failed(e.to_string()),
            });
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (reload, d);
    // `/me/join?code=…` (the other phone's link or QR code): the code form comes first
    let joining = leptos_router::hooks::use_query_map().read_untracked().get("code").is_some();
    view! {
        <Title text="我的信息 · 一老一小" />
        <section class="panel me">
            <p class="back"><A href="/care/orders">"← 我的订单"</A></p>
            <h1>"我的信息"</h1>
            <p class="muted">"你的申请、订单和老人信息保存在这部手机和服务器上。可以随时查看、下载、撤回同意或删除。"
                <a href="/privacy">"个人信息保护说明"</a></p>
            {joining.then(|| view! { <Join reload ui /> })}
            {move || match loaded.get() {
                Loaded::Reading => view! { <p class="loading">"正在读取服务器上的信息…"</p> }.into_any(),
                Loaded::Failed(m) => view! {
                    <p class="cached-note" role="status">{m}</p>
                    <OnDevice d />
                }
                .into_any(),
                Loaded::Data(data, raw) => view! { <Held data raw d reload joining ui /> }.into_any(),
            }}
        </section>
    }
}

/// After a takeover or a share, the phone takes the family's lists and the latest profile.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn adopt(_d: Device, _data: &Value) {
    #[cfg(feature = "hydrate")]
    {
        use crate::model::orders::OrderView;
        use crate::model::requests::RequestView;
        use crate::offline::store::{browser, KEY_ELDER};
        let inner = |k: &str, field: &str| format!("[{}]", list(_data, k).iter().map(|x| x[field].to_string()).collect::<Vec<_>>().join(","));
        let orders: Vec<OrderView> = serde_json::from_str(&inner("orders", "order")).unwrap_or_default();
        let requests: Vec<RequestView> = serde_json::from_str(&inner("requests", "request")).unwrap_or_default();
        if browser::read::<crate::model::elder::ElderProfile>(KEY_ELDER).is_none() {
            let latest = list(_data, "orders").iter().max_by_key(|o| text(&o["order"], "created_at")).map(|o| o["elder"].to_string());
            if let Some(e) = latest.and_then(|e| serde_json::from_str::<crate::model::elder::ElderProfile>(&e).ok()).filter(|e| e.name != "（已匿名）") {
                let _ = browser::write(KEY_ELDER, &e);
            }
        }
        _d.outbox.with_untracked(|o| {
            let r = _d.requests.with_untracked(|l| crate::offline::sync::merge_requests(requests, l, o));
            let k = _d.orders.with_untracked(|l| crate::offline::sync::merge_kept(orders, l, o, "order", |x| &x.id, |x| x.created_at));
            let _ = browser::write(crate::offline::store::KEY_REQUESTS, &r);
            let _ = browser::write(crate::offline::store::KEY_ORDERS, &k);
            _d.requests.set(r);
            _d.orders.set(k);
        });
        let shared = _data.get("shared_with").and_then(Value::as_u64).unwrap_or(0) > 0;
        let _ = browser::write(crate::offline::store::KEY_SHARED, &shared);
    }
}

/// Offline: what this phone itself keeps.
#[component]
fn OnDevice(d: Device) -> impl IntoView {
    view! {
        <p>{move || format!("本机保存：申请 {} 条，订单 {} 条，待发送 {} 条。", d.requests.with(Vec::len), d.orders.with(Vec::len), d.pending())}</p>
    }
}

#[component]
fn Held(data: Value, raw: String, d: Device, reload: RwSignal<u32>, joining: bool, ui: Ui) -> impl IntoView {
    let href = format!("data:application/json;charset=utf-8,{}", encode(&raw));
    let at = text(&data, "generated_at").parse::<chrono::DateTime<chrono::Utc>>().unwrap_or_default();
    let local = at + chrono::Duration::hours(8);
    let file = format!("我的信息-{}-{}.json", crate::rules::format::ymd(local.date_naive()), crate::rules::format::hm(local).replace(':', ""));
    let (requests, orders) = (list(&data, "requests"), list(&data, "orders"));
    let open_items = requests.iter().filter(|r| RequestStatus::from_code(&text(&r["request"], "status")).is_some_and(|s| s.is_open())).count()
        + orders.iter().filter(|o| OrderStatus::from_code(&text(&o["order"], "status")).is_some_and(|s| !OrderStatus::CLOSED.contains(&s))).count();
    let labels = |v: &Value, k: &str, label: fn(&str) -> Option<&'static str>| list(v, k).iter().filter_map(|c| c.as_str().and_then(label)).collect::<Vec<_>>().join("、");
    let shared_with = data.get("shared_with").and_then(Value::as_u64).unwrap_or(0) as u32;
    let has_recovery = data.get("has_recovery_code").and_then(Value::as_bool).unwrap_or(false);
    view! {
        <section class="held">
            <h2>"服务器上保存的信息"</h2>
            <p class="muted">{move || format!("{}读取", ago(at, use_now()))}</p>
            <ul class="counts">
                <li>{format!("托育申请 {} 条", requests.len())}</li>
                <li>{format!("上门服务订单 {} 个", orders.len())}</li>
                <li>{format!("每周探访 {} 项", list(&data, "plans").len())}</li>
                <li>{format!("收藏的机构 {} 个", list(&data, "saved_places").len())}</li>
            </ul>
            <a class="button" href=href download=file>"下载我的信息（JSON 文件）"</a>
            <details class="records">
                <summary>"查看全部内容"</summary>
                {requests.iter().map(|r| {
                    let q = &r["request"];
                    let kind = RequestKind::from_code(&text(q, "kind")).map(|k| k.label()).unwrap_or_default();
                    let status = RequestStatus::from_code(&text(q, "status")).map(|k| k.label()).unwrap_or_default();
                    let grounds = labels(r, "priority_grounds", |c| PriorityGround::from_code(c).map(|g| g.label()));
                    let lines = [
                        format!("联系人：{} · {}", text(r, "contact_name"), text(r, "contact_phone")),
                        Some(text(r, "child_birth_month")).filter(|b| !b.is_empty()).map(|b| format!("孩子出生年月：{b}")).unwrap_or_default(),
                        Some(grounds).filter(|g| !g.is_empty()).map(|g| format!("困境情况：{g}")).unwrap_or_default(),
                    ];
                    record(format!("{kind} · {}（{status}）", text(q, "place_name")), &lines)
                }).collect_view()}
                {orders.iter().map(|o| {
                    let (v, e) = (&o["order"], &o["elder"]);
                    let item = ServiceItem::from_code(&text(v, "item")).map(|i| i.label()).unwrap_or_default();
                    let status = OrderStatus::from_code(&text(v, "status")).map(|s| s.label()).unwrap_or_default();
                    let level = CapabilityLevel::from_code(&text(e, "capability_level")).map(|l| format!("能力评估等级：{}", l.label())).unwrap_or_default();
                    let cats = labels(e, "categories", |c| ElderCategory::from_code(c).map(|x| x.label()));
                    let lines = [
                        format!("老人：{}，{} 岁，电话 {}，地址 {}", text(e, "name"), e["age"], text(e, "phone"), text(e, "address_detail")),
                        level,
                        Some(cats).filter(|c| !c.is_empty()).map(|c| format!("身份类别：{c}")).unwrap_or_default(),
                    ];
                    record(format!("{item} · {} · {}（{status}）", text(v, "provider_name"), text(v, "date")), &lines)
                }).collect_view()}
            </details>
        </section>
        <Consents list=list(&data, "consents").to_vec() d />
        <Views list=list(&data, "views").to_vec() />
        <Sharing shared_with has_recovery reload joining ui />
        <Erase open_items d reload ui />
    }
}

/// One record of the full list: its title and its non-empty lines.
fn record(title: String, lines: &[String]) -> impl IntoView {
    view! {
        <div class="record">
            <p><strong>{title}</strong></p>
            {lines.iter().filter(|l| !l.is_empty()).map(|l| view! { <p>{l.clone()}</p> }).collect_view()}
        </div>
    }
}

/// `encodeURIComponent` for the download link.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[component]
fn Consents(list: Vec<Value>, d: Device) -> impl IntoView {
    view! {
        <section class="consents">
            <h2>"同意记录"</h2>
            {list.is_empty().then(|| view! { <p class="empty">"还没有同意记录。"</p> })}
            <ul>
                {list.into_iter().filter_map(|c| {
                    let id = c.get("id").and_then(Value::as_i64)?;
                    let purpose = Purpose::from_code(&text(&c, "purpose"))?;
                    let queued = move || d.has_pending(&entity::consent(id));
                    let withdrawn = when(&c, "withdrawn_at");
                    let can = purpose.withdrawable() && withdrawn.is_none();
                    let is_withdrawn = withdrawn.is_some();
                    let recipient = text(&c, "recipient");
                    let label = format!("撤回同意：{} · {recipient}", purpose.label());
                    let covers = list_of(&c, "covers").iter().filter_map(Value::as_str).collect::<Vec<_>>().join("、");
                    Some(view! {
                        <li class="consent-record" data-consent-id=id data-purpose=purpose.code() class:withdrawn=is_withdrawn>
                            <p><strong>{purpose.label()}</strong>{format!(" · 提供给「{recipient}」")}</p>
                            <p class="muted">{format!("{} 同意（第 {} 版同意书）{}", when(&c, "given_at").unwrap_or_default(), c["version"],
                                withdrawn.map(|w| format!("，{w} 已撤回")).unwrap_or_default())}</p>
                            <details><summary>"同意书原文"</summary><p>{text(&c, "text")}</p><p class="muted">{format!("包括：{covers}")}</p></details>
                            {move || if queued() {
                                Some(view! { <p class="status pending">"撤回已保存在本机，待发送"</p> }.into_any())
                            } else if can {
                                let label = label.clone();
                                Some(view! { <button class="cancel" on:click=move |_| enqueue(d, label.clone(), Write::WithdrawConsent { id })>"撤回"</button> }.into_any())
                            } else {
                                None
                            }}
                        </li>
                    })
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Views(list: Vec<Value>) -> impl IntoView {
    view! {
        <section class="views">
            <h2>"查看记录"</h2>
            <p class="muted">"谁查看过老人信息、孩子的申请或完整手机号。"</p>
            {list.is_empty().then(|| view! { <p class="empty">"还没有人查看过。"</p> })}
            <ul>
                {list.iter().map(|v| view! {
                    <li class="view-entry">{format!("{} · {} 查看了{}（{}）", when(v, "at").unwrap_or_default(), text(v, "who"), text(v, "what"), text(v, "why"))}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Sends one of this page's writes now (they answer at once): the answer's body, or the message.
#[cfg(feature = "hydrate")]
async fn send_now(method: &str, path: &str, body: Option<serde_json::Value>) -> Result<serde_json::Value, String> {
    use crate::offline::store::browser;
    let c = crate::net::client::ApiClient::same_origin();
    let (device, key) = (browser::device_key(), browser::new_id());
    let w = crate::net::client::Outgoing::new(method, path, &device, &key).body(body.as_ref());
    match c.send_write(w).await {
        Ok(a) if (200..300).contains(&a.status) => Ok(a.body),
        Ok(a) => Err(a.body.get("fields").and_then(|f| f.get(0)).and_then(|f| f.get("message")).or_else(|| a.body.get("message"))
            .and_then(|m| m.as_str()).unwrap_or("服务器出错，请稍后再试").to_string()),
        Err(_) => Err("没有网络：请联网后再试（这项操作需要立即得到服务器的答复）".into()),
    }
}

#[component]
fn Sharing(shared_with: u32, has_recovery: bool, reload: RwSignal<u32>, joining: bool, ui: Ui) -> impl IntoView {
    let Ui { code, recovery, error, .. } = ui;
    let make = move |mode: TransferMode| {
        error.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match send_now("POST", "/api/v1/me/transfer-codes", Some(serde_json::json!({ "mode": mode }))).await {
                Ok(v) => {
                    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
                    code.set(Some(TransferCode {
                        code: text("code"),
                        mode,
                        expires_at: text("expires_at").parse().unwrap_or_default(),
                        link: text("link"),
                        qr_svg: text("qr_svg"),
                    }))
                }
                Err(m) => error.set(Some(m)),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = mode;
    };
    let make_recovery = move |_| {
        error.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match send_now("POST", "/api/v1/me/recovery-code", None).await {
                Ok(v) => recovery.set(v.get("code").and_then(|c| c.as_str()).map(String::from)),
                Err(m) => error.set(Some(m)),
            }
        });
    };
    let stop = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match send_now("DELETE", "/api/v1/me/sharing", None).await {
                Ok(_) => {
                    let _ = crate::offline::store::browser::write(crate::offline::store::KEY_SHARED, &false);
                    reload.update(|n| *n += 1)
                }
                Err(m) => error.set(Some(m)),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = reload;
    };
    view! {
        <section class="sharing">
            <h2>"换手机 · 与家人共享"</h2>
            <p class="muted">"在原来的手机上生成代码，在另一部手机的「我的信息」输入（或扫码）。代码 10 分钟内有效，只能用一次。"</p>
            {(!joining).then(|| view! { <Join reload ui /> })}
            <div class="row">
                <button on:click=move |_| make(TransferMode::Take)>"换到新手机"</button>
                <button on:click=move |_| make(TransferMode::Share)>"与家人共享"</button>
            </div>
            {move || code.get().map(|c| view! {
                <div class="transfer-code" role="status">
                    <p>{format!("{}：在另一部手机输入", c.mode.label())}</p>
                    <p class="code">{c.code.clone()}</p>
                    <div class="qr" inner_html=c.qr_svg.clone()></div>
                    <p class="muted">{format!("{} 前有效", crate::rules::format::beijing_datetime(c.expires_at))}</p>
                </div>
            })}
            {(shared_with > 0).then(|| view! {
                <p class="shared">{format!("正在与另外 {shared_with} 部手机共享：都能查看和下单。")}</p>
                <button class="cancel" on:click=stop>"停止共享"</button>
            })}
            <h3>"恢复码"</h3>
            <p class="muted">{if has_recovery { "已设置恢复码。手机丢失时，在新手机输入恢复码即可找回。重新生成后旧的作废。" } else { "手机丢失时用它在新手机找回申请和订单。请生成后抄写下来，妥善保管。" }}</p>
            <button on:click=make_recovery>{if has_recovery { "重新生成恢复码" } else { "生成恢复码" }}</button>
            {move || recovery.get().map(|r| view! {
                <div class="transfer-code recovery" role="status">
                    <p>"请抄写下来（只显示这一次）："</p>
                    <p class="code">{r}</p>
                </div>
            })}
            {move || error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </section>
    }
}

/// Enters a code from another phone (prefilled from `/me/join?code=…`).
#[component]
fn Join(reload: RwSignal<u32>, ui: Ui) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let code = RwSignal::new(query.read_untracked().get("code").unwrap_or_default());
    let result = ui.joined;
    #[cfg(feature = "hydrate")]
    let d = use_device();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let body = serde_json::json!({ "code": code.get_untracked() });
            result.set(Some(match send_now("POST", "/api/v1/me/transfer", Some(body)).await {
                Ok(v) => {
                    let mode = if v.get("mode").and_then(|m| m.as_str()) == Some("share") { TransferMode::Share } else { TransferMode::Take };
                    if mode == TransferMode::Share {
                        let _ = crate::offline::store::browser::write(crate::offline::store::KEY_SHARED, &true);
                    }
                    // the family's lists and profile are on this phone before it says 完成
                    let c = crate::net::client::ApiClient::same_origin();
                    if let Ok((data, _)) = c.my_data(&crate::offline::store::browser::device_key()).await {
                        adopt(d, &data);
                    }
                    reload.update(|n| *n += 1);
                    let n = |k: &str| v.get(k).and_then(|x| x.as_u64()).unwrap_or(0);
                    Ok(format!("完成：{}，申请 {} 条、订单 {} 个。", mode.label(), n("requests"), n("orders")))
                }
                Err(m) => Err(m),
            }));
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = reload;
    };
    view! {
        <form class="join" on:submit=submit novalidate>
            <label>"输入另一部手机上的代码或恢复码"
                <input type="text" name="code" autocomplete="off" autocapitalize="characters" placeholder="如 K7QM-4XPR" bind:value=code />
            </label>
            <button class="primary" type="submit">"转入"</button>
            {move || result.get().map(|r| match r {
                Ok(m) => view! { <p class="sent-tag" role="status">{m}</p> }.into_any(),
                Err(m) => view! { <p class="field-error" role="alert" data-field="code">{m}</p> }.into_any(),
            })}
        </form>
    }
}

#[component]
fn Erase(open_items: usize, d: Device, reload: RwSignal<u32>, ui: Ui) -> impl IntoView {
    let Ui { asking, erased: result, .. } = ui;
    let confirm = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            result.set(Some(match send_now("DELETE", "/api/v1/me/data", None).await {
                Ok(v) => {
                    forget_on_device(d);
                    asking.set(false);
                    reload.update(|n| *n += 1);
                    let n = |k: &str| v.get(k).and_then(|x| x.as_u64()).unwrap_or(0);
                    Ok(format!(
                        "已删除：取消进行中的 {} 项，删除申请 {} 条；{} 个订单已去掉老人的姓名、电话、地址和位置，只保留补贴结算需要的金额和次数。本机保存的信息也已删除。",
                        n("cancelled"), n("requests_erased"), n("orders_anonymised")
                    ))
                }
                Err(m) => Err(m),
            }));
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (d, reload);
    };
    view! {
        <section class="erase">
            <h2>"删除我的信息"</h2>
            <p>"删除服务器和这部手机上保存的申请、订单、老人信息、收藏和同意记录。与你共享的家人也将看不到。"</p>
            {(open_items > 0).then(|| view! {
                <p class="warning" role="alert">{format!("注意：还有 {open_items} 项进行中的申请或订单，删除时会先取消（护理员正在上门时不能删除）。")}</p>
            })}
            {move || (!asking.get()).then(|| view! { <button class="cancel" on:click=move |_| asking.set(true)>"删除我的信息"</button> })}
            {move || asking.get().then(|| view! {
                <div class="confirm" role="group" aria-label="确认删除">
                    <p><strong>"确定删除吗？删除后不能恢复。"</strong></p>
                    <div class="row">
                        <button class="cancel" on:click=confirm>"确认删除"</button>
                        <button on:click=move |_| asking.set(false)>"不删了"</button>
                    </div>
                </div>
            })}
            {move || result.get().map(|r| match r {
                Ok(m) => view! { <p class="sent-tag" role="status">{m}</p> }.into_any(),
                Err(m) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
            })}
        </section>
    }
}

/// After 删除我的信息: what this phone kept of the family goes too (the device key stays, so
/// the phone can start afresh).
#[cfg(feature = "hydrate")]
fn forget_on_device(d: Device) {
    use crate::offline::store::{browser, KEY_ELDER, KEY_ORDERS, KEY_REQUESTS, KEY_SHARED, KEY_WELFARE};
    for k in [KEY_ELDER, KEY_WELFARE, KEY_REQUESTS, KEY_ORDERS, KEY_SHARED] {
        browser::remove(k);
    }
    d.requests.set(vec![]);
    d.orders.set(vec![]);
    d.outbox.update(|o| o.retain(|i| !entity::is_family(&i.write.entity())));
    let _ = browser::write(crate::offline::store::KEY_OUTBOX, &d.outbox.get_untracked());
}
