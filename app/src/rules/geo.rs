//! Coordinates and distances.
//!
//! The product stores **GCJ-02** everywhere (the datum of 高德/腾讯 maps and of
//! the places' published coordinates). A browser's Geolocation API returns
//! **WGS-84**, so the device position goes through [`wgs84_to_gcj02`] before any
//! distance is measured. 百度地图 uses **BD-09** ([`gcj02_to_bd09`]).

use serde::{Deserialize, Serialize};

/// A point in degrees. Which datum it is in is said by the function that made it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

impl LatLng {
    pub const fn new(lat: f64, lng: f64) -> Self {
        Self { lat, lng }
    }
}

const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943_23;
const PI: f64 = std::f64::consts::PI;
const X_PI: f64 = PI * 3000.0 / 180.0;
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// GCJ-02 is only applied inside mainland China (the usual rough box).
pub fn out_of_china(p: LatLng) -> bool {
    !(72.004..=137.8347).contains(&p.lng) || !(0.8293..=55.8271).contains(&p.lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lng(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

fn gcj_delta(p: LatLng) -> (f64, f64) {
    let dlat = transform_lat(p.lng - 105.0, p.lat - 35.0);
    let dlng = transform_lng(p.lng - 105.0, p.lat - 35.0);
    let radlat = p.lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * radlat.sin() * radlat.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlng = (dlng * 180.0) / (KRASOVSKY_A / sqrt_magic * radlat.cos() * PI);
    (dlat, dlng)
}

/// WGS-84 (GPS, browser Geolocation) → GCJ-02.
pub fn wgs84_to_gcj02(p: LatLng) -> LatLng {
    if out_of_china(p) {
        return p;
    }
    let (dlat, dlng) = gcj_delta(p);
    LatLng::new(p.lat + dlat, p.lng + dlng)
}

/// GCJ-02 → WGS-84 by fixed-point iteration (error well under 1 cm after a few rounds).
pub fn gcj02_to_wgs84(p: LatLng) -> LatLng {
    if out_of_china(p) {
        return p;
    }
    let mut w = p;
    for _ in 0..10 {
        let g = wgs84_to_gcj02(w);
        let (elat, elng) = (g.lat - p.lat, g.lng - p.lng);
        w = LatLng::new(w.lat - elat, w.lng - elng);
        if elat.abs() < 1e-10 && elng.abs() < 1e-10 {
            break;
        }
    }
    w
}

/// GCJ-02 → BD-09 (百度地图).
pub fn gcj02_to_bd09(p: LatLng) -> LatLng {
    let (x, y) = (p.lng, p.lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * X_PI).cos();
    LatLng::new(z * theta.sin() + 0.006, z * theta.cos() + 0.0065)
}

/// BD-09 → GCJ-02.
pub fn bd09_to_gcj02(p: LatLng) -> LatLng {
    let (x, y) = (p.lng - 0.0065, p.lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    LatLng::new(z * theta.sin(), z * theta.cos())
}

/// Great-circle distance in metres (haversine on the mean Earth radius).
/// Both points must be in the same datum; GCJ-02's offset is locally almost a
/// translation, so distances between two GCJ-02 points are good to well under 1 m per km.
pub fn distance_m(a: LatLng, b: LatLng) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = (b.lat - a.lat).to_radians();
    let dl = (b.lng - a.lng).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A box that contains every point within `radius_m` of `c`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lng: f64,
    pub max_lng: f64,
}

pub fn bbox_around(c: LatLng, radius_m: f64) -> BBox {
    let dlat = (radius_m / EARTH_RADIUS_M).to_degrees();
    let coslat = c.lat.to_radians().cos().abs().max(1e-6);
    let dlng = (radius_m / (EARTH_RADIUS_M * coslat)).to_degrees().min(180.0);
    BBox {
        min_lat: c.lat - dlat,
        max_lat: c.lat + dlat,
        min_lng: c.lng - dlng,
        max_lng: c.lng + dlng,
    }
}

/// East/north offset of `p` from `origin` in metres (local equirectangular), for the map sketch.
pub fn offset_m(origin: LatLng, p: LatLng) -> (f64, f64) {
    let east = (p.lng - origin.lng).to_radians() * EARTH_RADIUS_M * origin.lat.to_radians().cos();
    let north = (p.lat - origin.lat).to_radians() * EARTH_RADIUS_M;
    (east, north)
}

/// A link that opens a map app at a place, and the datum it sends.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLink {
    pub label: &'static str,
    pub datum: &'static str,
    pub href: String,
}

/// Navigation links for a place stored in GCJ-02:
/// 高德 gets GCJ-02 as it is, 百度 gets BD-09 (converted here and declared with
/// `coord_type=bd09ll`), Apple Maps gets WGS-84 (its URL scheme takes WGS-84 and
/// shifts for display in China itself).
pub fn map_links(gcj: LatLng, name: &str) -> Vec<MapLink> {
    let bd = gcj02_to_bd09(gcj);
    let wgs = gcj02_to_wgs84(gcj);
    let n = crate::rules::query::percent_encode(name);
    vec![
        MapLink {
            label: "高德地图",
            datum: "GCJ-02",
            href: format!(
                "https://uri.amap.com/marker?position={:.6},{:.6}&name={n}&coordinate=gaode&callnative=1",
                gcj.lng, gcj.lat
            ),
        },
        MapLink {
            label: "百度地图",
            datum: "BD-09",
            href: format!(
                "https://api.map.baidu.com/marker?location={:.6},{:.6}&title={n}&content={n}&coord_type=bd09ll&output=html&src=webapp.yilaoyixiao",
                bd.lat, bd.lng
            ),
        },
        MapLink {
            label: "Apple 地图",
            datum: "WGS-84",
            href: format!("https://maps.apple.com/?ll={:.6},{:.6}&q={n}", wgs.lat, wgs.lng),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference pairs published with the widely used coordtransform library
    // (input 116.404, 39.915 — lng, lat).
    const P: LatLng = LatLng::new(39.915, 116.404);

    #[test]
    fn wgs84_to_gcj02_matches_published_pair() {
        let g = wgs84_to_gcj02(P);
        assert!((g.lat - 39.916_404_281_501_64).abs() < 1e-9, "{g:?}");
        assert!((g.lng - 116.410_244_499_169_38).abs() < 1e-9, "{g:?}");
    }

    #[test]
    fn gcj02_bd09_match_published_pairs() {
        let b = gcj02_to_bd09(P);
        assert!((b.lat - 39.921_336_993_510_21).abs() < 1e-9, "{b:?}");
        assert!((b.lng - 116.410_369_493_710_29).abs() < 1e-9, "{b:?}");
        let g = bd09_to_gcj02(P);
        assert!((g.lat - 39.908_656_739_576_31).abs() < 1e-9, "{g:?}");
        assert!((g.lng - 116.397_627_291_193_15).abs() < 1e-9, "{g:?}");
    }

    #[test]
    fn gcj02_to_wgs84_inverts_to_the_centimetre() {
        // The published one-step inverse of (39.915, 116.404) is (39.91359571849836,
        // 116.39775550083061); the iterative inverse is closer to the truth, so it
        // agrees with that within the one-step method's own error (~1 m) ...
        let w = gcj02_to_wgs84(P);
        assert!(distance_m(w, LatLng::new(39.913_595_718_498_36, 116.397_755_500_830_61)) < 2.0);
        // ... and round-trips exactly.
        for p in [P, LatLng::new(31.575, 120.358), LatLng::new(33.963, 118.243)] {
            let back = wgs84_to_gcj02(gcj02_to_wgs84(p));
            assert!(distance_m(back, p) < 0.01, "{p:?} -> {back:?}");
        }
    }

    #[test]
    fn outside_china_is_untouched() {
        let tokyo = LatLng::new(35.6586, 139.7454);
        assert_eq!(wgs84_to_gcj02(tokyo), tokyo);
        assert_eq!(gcj02_to_wgs84(tokyo), tokyo);
    }

    #[test]
    fn offset_in_wuxi_is_hundreds_of_metres() {
        let w = LatLng::new(31.575, 120.358);
        let d = distance_m(w, wgs84_to_gcj02(w));
        assert!((300.0..800.0).contains(&d), "{d}");
    }

    #[test]
    fn haversine_distances() {
        // One degree of latitude is ~111.2 km on the mean sphere.
        let d = distance_m(LatLng::new(31.0, 120.0), LatLng::new(32.0, 120.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
        // 旺庄 → 江溪 centres (~4.3 km apart).
        let d = distance_m(LatLng::new(31.575, 120.358), LatLng::new(31.537, 120.352));
        assert!((4_150.0..4_350.0).contains(&d), "{d}");
        assert_eq!(distance_m(P, P), 0.0);
    }

    #[test]
    fn bbox_contains_the_circle() {
        let c = LatLng::new(31.575, 120.358);
        let b = bbox_around(c, 3000.0);
        for (lat, lng) in [(b.max_lat, c.lng), (b.min_lat, c.lng), (c.lat, b.max_lng), (c.lat, b.min_lng)] {
            let d = distance_m(c, LatLng::new(lat, lng));
            assert!((d - 3000.0).abs() < 1.0, "{d}");
        }
    }

    #[test]
    fn map_links_declare_their_datum() {
        let links = map_links(LatLng::new(31.575, 120.358), "示例 托育");
        assert_eq!(links.len(), 3);
        assert!(links[0].href.contains("position=120.358000,31.575000"));
        assert!(links[0].href.contains("%E7%A4%BA%E4%BE%8B%20"));
        assert_eq!(links[1].datum, "BD-09");
        assert!(links[1].href.contains("coord_type=bd09ll"));
        let bd = gcj02_to_bd09(LatLng::new(31.575, 120.358));
        assert!(links[1].href.contains(&format!("location={:.6},{:.6}", bd.lat, bd.lng)));
        assert_eq!(links[2].datum, "WGS-84");
    }
}
