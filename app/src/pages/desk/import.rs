//! The admin's registry import (on the admin desk): download the template, choose a file
//! (XLSX, or CSV in UTF-8 or GBK), see every problem by row and column and every change
//! field by field, then import — all valid, only the valid rows when asked, and places (or
//! providers) the file no longer lists closed only when ticked. Two kinds: 托育机构及点位
//! (卫健委 备案 lists) and 居家上门服务机构 (民政 lists, with items, prices and carers). Online only: the file is not kept on the
//! device; the same file is previewed under the same upload id, and a retried import
//! reuses its Idempotency-Key, so nothing happens twice.

#[cfg(feature = "hydrate")]
use crate::model::import::ImportApply;
use crate::model::import::{ImportKind, ImportPreview, ImportResult, TextEncoding};
use leptos::html;
use leptos::prelude::*;

/// What the section shows under the form.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Idle,
    Working(&'static str),
    Failed(String),
    Done(ImportResult),
}

#[component]
pub fn ImportSection(csrf: String, reload: RwSignal<u32>) -> impl IntoView {
    let file_input = NodeRef::<html::Input>::new();
    let kind = RwSignal::new(ImportKind::Places);
    let encoding = RwSignal::new(TextEncoding::Auto.code().to_string());
    let chosen = RwSignal::new(None::<String>);
    let upload_id = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<ImportPreview>);
    let only_valid = RwSignal::new(false);
    let close = RwSignal::new(Vec::<i64>::new());
    let status = RwSignal::new(Status::Idle);
    let apply_key = RwSignal::new(None::<String>);
    let csrf = StoredValue::new(csrf);
    #[cfg(not(feature = "hydrate"))]
    let _ = (reload, csrf, apply_key, upload_id);

    let on_choose = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let name = file_input.get().and_then(|i| i.files()).and_then(|f| f.get(0)).map(|f| f.name());
            chosen.set(name);
            upload_id.set(crate::offline::store::browser::new_id());
            preview.set(None);
            close.set(vec![]);
            only_valid.set(false);
            apply_key.set(None);
            status.set(Status::Idle);
        }
    };

    let on_preview = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = file_input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
                status.set(Status::Failed("请先选择要导入的文件（.xlsx 或 .csv）".into()));
                return;
            };
            let enc = TextEncoding::from_code(&encoding.get_untracked()).unwrap_or(TextEncoding::Auto);
            let id = upload_id.get_untracked();
            status.set(Status::Working("正在上传并检查文件…"));
            leptos::task::spawn_local(async move {
                let name = file.name();
                let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
                    Err(_) => {
                        status.set(Status::Failed("无法读取这个文件，请重新选择".into()));
                        return;
                    }
                };
                let c = crate::net::client::ApiClient::same_origin();
                match c.import_upload(&csrf.get_value(), &id, (kind.get_untracked(), &name), enc, bytes).await {
                    Ok(p) => {
                        close.set(vec![]);
                        only_valid.set(false);
                        apply_key.set(None);
                        preview.set(Some(p));
                        status.set(Status::Idle);
                    }
                    Err(crate::net::client::ClientError::Network(_)) => {
                        status.set(Status::Failed("未联网，文件没有上传。联网后再点“上传并预览”（不会重复）。".into()))
                    }
                    Err(e) => status.set(Status::Failed(e.to_string())),
                }
            });
        }
    };

    let on_apply = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let Some(p) = preview.get_untracked() else { return };
            let ask = ImportApply { plan_hash: p.plan_hash.clone(), only_valid_rows: only_valid.get_untracked(), close: close.get_untracked() };
            let key = apply_key.get_untracked().unwrap_or_else(crate::offline::store::browser::new_id);
            apply_key.set(Some(key.clone()));
            status.set(Status::Working("正在导入…"));
            leptos::task::spawn_local(async move {
                let c = crate::net::client::ApiClient::same_origin();
                let device = crate::offline::store::browser::device_key();
                match c.import_apply(&csrf.get_value(), &device, &key, &p.id, &ask).await {
                    Ok(a) if a.status == 200 => match serde_json::from_value::<ImportResult>(a.body) {
                        Ok(r) => {
                            status.set(Status::Done(r));
                            reload.update(|n| *n += 1);
                        }
                        Err(e) => status.set(Status::Failed(format!("服务器的回答无法识别：{e}"))),
                    },
                    Ok(a) => {
                        apply_key.set(None);
                        let msg = a.body["fields"][0]["message"].as_str().or(a.body["message"].as_str()).unwrap_or("导入没有完成").to_string();
                        status.set(Status::Failed(msg));
                    }
                    Err(_) => status.set(Status::Failed("未联网或网络太慢，导入结果未知。联网后再点“导入”：同一次导入不会重复执行。".into())),
                }
            });
        }
    };

    let fatal = move || preview.with(|p| p.as_ref().is_some_and(|p| p.issues.iter().any(|i| i.row == 0) || p.read_as.is_empty()));
    let blocked = move || {
        fatal()
            || preview.with(|p| p.as_ref().is_none_or(|p| p.error_rows > 0 && !only_valid.get() || p.applied_at.is_some()))
            || matches!(status.get(), Status::Working(_) | Status::Done(_))
    };

    view! {
        <section class="panel import">
            <h2>"导入登记数据"</h2>
            <p class="muted">
                "卫健委的托育机构备案名单、民政局的居家上门服务机构名单、各街道人口数据：按模板填写后上传。先预览（不会写入），确认后一次导入；同一文件可以重复导入，没有变化的行不会改动。"
            </p>
            <fieldset class="import-kind">
                <legend>"导入内容"</legend>
                {ImportKind::ALL.iter().map(|&k| view! {
                    <label class="check">
                        <input type="radio" name="import_kind" value=k.code() prop:checked=move || kind.get() == k
                            on:change=move |_| {
                                kind.set(k);
                                preview.set(None);
                                upload_id.set(String::new());
                                status.set(Status::Idle);
                                if let Some(i) = file_input.get() { i.set_value(""); }
                                chosen.set(None);
                            } />
                        {k.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <p>
                <a class="button" href=move || crate::net::client::ApiClient::import_template_url(kind.get()) download="">
                    {move || format!("下载“{}”导入模板（XLSX，含填写说明）", kind.get().label())}
                </a>
            </p>
            <form class="import-form" on:submit=on_preview novalidate>
                <label>
                    "选择文件（.xlsx 或 .csv）"
                    <input type="file" name="import_file" accept=".xlsx,.csv,text/csv" node_ref=file_input on:change=on_choose />
                </label>
                <label>
                    "CSV 文件编码"
                    <select name="encoding" on:change=move |ev| encoding.set(event_target_value(&ev)) prop:value=move || encoding.get()>
                        {TextEncoding::ALL.iter().map(|e| view! { <option value=e.code()>{e.label()}</option> }).collect_view()}
                    </select>
                </label>
                <button class="primary" type="submit" disabled=move || chosen.get().is_none() || matches!(status.get(), Status::Working(_))>
                    "上传并预览"
                </button>
            </form>
            {move || match status.get() {
                Status::Idle => None,
                Status::Working(what) => Some(view! { <p class="sent-tag" role="status">{what}</p> }.into_any()),
                Status::Failed(m) => Some(view! { <p class="field-error" role="alert">{m}</p> }.into_any()),
                Status::Done(r) => Some(view! {
                    <p class="sent-tag" role="status">
                        {format!(
                            "已导入：新增 {} 个{}，修改 {} 个，没有变化 {} 个，关闭 {} 个{}",
                            r.created, noun(kind.get_untracked()), r.updated, r.unchanged, r.closed,
                            if r.skipped_rows > 0 { format!("；跳过有问题的 {} 行", r.skipped_rows) } else { String::new() },
                        )}
                    </p>
                }.into_any()),
            }}
            {move || preview.get().map(|p| view! { <PreviewView p only_valid close /> })}
            {move || preview.get().is_some().then(|| view! {
                <button class="primary apply" type="button" on:click=on_apply disabled=blocked>
                    "导入"
                </button>
            })}
        </section>
    }
}

#[component]
fn PreviewView(p: ImportPreview, only_valid: RwSignal<bool>, close: RwSignal<Vec<i64>>) -> impl IntoView {
    let problems = p.issues.len();
    let noun = noun(p.kind);
    let summary = format!(
        "{}：{} 行（{}）· 新增 {} · 修改 {} · 没有变化 {} · 本次文件中没有 {}",
        p.file_name,
        p.rows,
        if p.read_as.is_empty() { "无法读取" } else { p.read_as.as_str() },
        p.create.len(),
        p.update.len(),
        p.unchanged,
        p.missing.len(),
    );
    let error_rows = p.error_rows;
    view! {
        <div class="import-preview">
            <h3>"预览"</h3>
            <p class="import-summary">{summary}</p>
            {p.applied_at.map(|_| view! { <p class="cached-note">"这个文件已经导入过了；要再次导入，请重新选择文件上传。"</p> })}
            {(problems > 0).then(|| view! {
                <details class="import-issues" open>
                    <summary>{format!("问题与提示（{problems} 条，{error_rows} 行不会导入）")}</summary>
                    <ol>{p.issues.iter().map(|i| view! { <li>{i.text()}</li> }).collect_view()}</ol>
                </details>
            })}
            {(error_rows > 0 && !p.read_as.is_empty() && p.kind != ImportKind::Population).then(|| view! {
                <p class="muted">{format!("文件有问题时不列出“本次文件中没有”的{noun}（读不出的行可能被误认为缺少）；改好文件后再上传即可看到。")}</p>
            })}
            {(error_rows > 0 && !p.read_as.is_empty()).then(|| view! {
                <label class="check">
                    <input type="checkbox" name="only_valid_rows" prop:checked=move || only_valid.get()
                        on:change=move |ev| only_valid.set(event_target_checked(&ev)) />
                    {format!("只导入无误的行（跳过有问题的 {error_rows} 行）")}
                </label>
            })}
            {(!p.create.is_empty()).then(|| view! {
                <details class="import-create">
                    <summary>{format!("新增 {} 个{noun}", p.create.len())}</summary>
                    <ul>{p.create.iter().map(|r| view! { <li>{format!("{}（第 {} 行）", r.name, rows(&r.rows))}</li> }).collect_view()}</ul>
                </details>
            })}
            {(!p.update.is_empty()).then(|| view! {
                <details class="import-update" open>
                    <summary>{format!("修改 {} 个{noun}", p.update.len())}</summary>
                    <ul>
                        {p.update.iter().map(|r| view! {
                            <li>
                                <strong>{r.name.clone()}</strong>
                                {format!("（第 {} 行）", rows(&r.rows))}
                                <ul class="changes">
                                    {r.changes.iter().map(|c| view! {
                                        <li>{format!("{}：{} → {}", c.column, blank(&c.before), blank(&c.after))}</li>
                                    }).collect_view()}
                                </ul>
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
            {(!p.missing.is_empty()).then(|| view! {
                <details class="import-missing" open>
                    <summary>{format!("本次文件中没有的{noun}（{} 个）：勾选的将被关闭，{}不再看到", p.missing.len(), if p.kind == ImportKind::Places { "家长" } else { "老人家属" })}</summary>
                    <ul>
                        {p.missing.iter().map(|m| {
                            let id = m.id;
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox" data-place-id=id
                                            prop:checked=move || close.with(|c| c.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                close.update(|c| { c.retain(|x| *x != id); if on { c.push(id) } });
                                            } />
                                        {format!("关闭 {} · {}（{}）", m.organisation, m.name, m.street_name)}
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </div>
    }
}

/// What a file of `kind` lists, as the preview counts it.
fn noun(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Places => "点位",
        ImportKind::Providers => "服务机构",
        ImportKind::Population => "街道人口",
    }
}

/// "12–14" for a record spanning rows 12, 13 and 14.
fn rows(r: &[u32]) -> String {
    match (r.first(), r.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

fn blank(s: &str) -> &str {
    if s.is_empty() { "（空）" } else { s }
}
