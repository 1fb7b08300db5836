use crate::app::use_now;
use crate::rules::format::{ago, confirmed_ago, is_stale};

/// "12 分钟前" (re-exported for pages that word it themselves).
pub fn ago_text(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    ago(t, now)
}
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// How fresh a vacancy figure is: "12 分钟前确认", greyed with 可能已过期 after 7 days.
#[component]
pub fn Confirmed(at: DateTime<Utc>) -> impl IntoView {
    let stale = move || is_stale(at, use_now());
    view! {
        <span class="confirmed" class:stale=stale title=at.to_rfc3339()>
            {move || confirmed_ago(at, use_now())}
            {move || stale().then(|| view! { <strong class="stale-mark">" · 可能已过期"</strong> })}
        </span>
    }
}

/// "3 天前更新" for prices and other facts.
#[component]
pub fn Updated(at: DateTime<Utc>) -> impl IntoView {
    view! {
        <span class="updated" title=at.to_rfc3339()>
            {move || format!("{}更新", ago(at, use_now()))}
        </span>
    }
}
