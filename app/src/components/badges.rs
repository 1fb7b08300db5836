use crate::model::{Badge, ProviderType};
use leptos::prelude::*;

/// 普惠 first (it is what parents filter for), then the official badges.
#[component]
pub fn Badges(puhui: bool, badges: Vec<Badge>, #[prop(optional)] provider_type: Option<ProviderType>) -> impl IntoView {
    view! {
        <ul class="badges" aria-label="标签">
            {puhui.then(|| view! { <li class="badge puhui">"普惠"</li> })}
            {badges
                .into_iter()
                .map(|b| view! { <li class="badge">{b.label()}</li> })
                .collect_view()}
            {provider_type.map(|t| view! { <li class="badge type">{t.label()}</li> })}
        </ul>
    }
}

/// The 示例 marker on every sample name.
#[component]
pub fn SampleTag(is_sample: bool) -> impl IntoView {
    is_sample.then(|| view! { <span class="sample-tag" title="示例数据，不是真实机构">"示例"</span> })
}
