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

/// 位置待核实: the registry gave no coordinates, so the place is shown at its 街道 centre
/// and the distance is only a rough one.
#[component]
pub fn UncheckedPosition(unverified: bool) -> impl IntoView {
    unverified.then(|| view! { <span class="unverified-tag" title="登记信息没有经纬度，按街道中心估算距离">"位置待核实"</span> })
}
