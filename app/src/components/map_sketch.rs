//! A map sketch drawn by the app: the searcher at the centre, each result at its
//! true relative position (local equirectangular projection, north up), the search
//! circle and a scale bar. No third-party tiles.

use crate::rules::geo::{offset_m, LatLng};
use crate::model::PlaceHit;
use leptos::prelude::*;

const SIZE: f64 = 320.0;
const PAD: f64 = 14.0;

/// The longest "nice" length not over `max_m`.
pub fn scale_bar_m(max_m: f64) -> u32 {
    const NICE: [u32; 12] = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000];
    NICE.iter().rev().copied().find(|&n| n as f64 <= max_m).unwrap_or(50)
}

pub fn scale_label(m: u32) -> String {
    if m >= 1000 {
        format!("{} 公里", m as f64 / 1000.0)
    } else {
        format!("{m} 米")
    }
}

#[component]
pub fn MapSketch(origin: LatLng, radius_m: u32, hits: Vec<PlaceHit>) -> impl IntoView {
    let c = SIZE / 2.0;
    let px_per_m = (c - PAD) / radius_m.max(1) as f64;
    let bar_m = scale_bar_m(radius_m as f64 / 2.0);
    let bar_px = bar_m as f64 * px_per_m;
    let dots = hits
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            let (e, n) = offset_m(origin, LatLng::new(h.lat, h.lng));
            let (x, y) = (c + e * px_per_m, c - n * px_per_m);
            let open = h.vacancy.as_ref().is_some_and(|v| v.vacancies > 0);
            let class = if open { "dot open" } else { "dot full" };
            view! {
                <a href=format!("/places/{}", h.id) aria-label=h.name.clone()>
                    <g class=class>
                        <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="9" />
                        <text x=format!("{x:.1}") y=format!("{:.1}", y + 4.0) text-anchor="middle">
                            {(i + 1).to_string()}
                        </text>
                    </g>
                </a>
            }
        })
        .collect_view();
    view! {
        <figure class="map-sketch">
            <svg
                viewBox=format!("0 0 {SIZE} {SIZE}")
                role="img"
                aria-label=format!("示意图：你的位置和 {} 范围内的托育点", scale_label(radius_m))
            >
                <circle class="radius" cx=c cy=c r=c - PAD />
                <text class="north" x=c y="11" text-anchor="middle">
                    "北"
                </text>
                {dots}
                <g class="you">
                    <circle cx=c cy=c r="7" />
                    <text x=c y=c - 11.0 text-anchor="middle">
                        "你"
                    </text>
                </g>
                <g class="scale">
                    <line x1=PAD y1=SIZE - 10.0 x2=PAD + bar_px y2=SIZE - 10.0 />
                    <text x=PAD y=SIZE - 15.0>
                        {scale_label(bar_m)}
                    </text>
                </g>
            </svg>
            <figcaption>"绿色：有空位；灰色：已满或无适龄班级。位置为真实相对位置的示意。"</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bar_is_a_nice_length() {
        assert_eq!(scale_bar_m(1500.0), 1000);
        assert_eq!(scale_bar_m(500.0), 500);
        assert_eq!(scale_bar_m(2600.0), 2500);
        assert_eq!(scale_bar_m(10.0), 50);
        assert_eq!(scale_label(1000), "1 公里");
        assert_eq!(scale_label(2500), "2.5 公里");
        assert_eq!(scale_label(500), "500 米");
    }
}
