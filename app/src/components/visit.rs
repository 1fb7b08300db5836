//! A home visit as its carer recorded it: 签到 / 签退 stamps and the tasks done, shown on
//! the family's order, the provider's desk and the carer's phone.

use crate::model::orders::{VisitStamp, VisitTask, FAR_FROM_ADDRESS_M};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// "14:05" in Beijing time.
pub fn beijing_hhmm(t: DateTime<Utc>) -> String {
    crate::rules::format::hm(t + chrono::Duration::hours(8))
}

/// "14:05 签到 · 距地址约 20 米" (and the flag when far or without a position).
pub fn stamp_line(verb: &str, s: &VisitStamp) -> String {
    let place = match s.distance_m {
        Some(m) if m > FAR_FROM_ADDRESS_M => format!(" · 距地址约 {}，已标注", crate::rules::format::distance(m)),
        Some(m) => format!(" · 距地址约 {}", crate::rules::format::distance(m)),
        None => " · 未取得定位，已标注".to_string(),
    };
    format!("{} {verb}{place}", beijing_hhmm(s.at))
}

/// What the carer recorded at 签退: ✓ done, ✗ not done with the reason.
#[component]
pub fn TaskList(tasks: Vec<VisitTask>) -> impl IntoView {
    (!tasks.is_empty()).then(|| {
        view! {
            <ul class="task-done">
                {tasks.into_iter().map(|t| {
                    let text = if t.done { format!("✓ {}", t.task) } else { format!("✗ {}：{}", t.task, t.reason.unwrap_or_default()) };
                    view! { <li class:not-done=!t.done>{text}</li> }
                }).collect_view()}
            </ul>
        }
    })
}
