//! The built site: which hashed bundle to serve, and precompression of assets.

use std::path::Path;

/// The bundle's base name with its content hash (`app.<hash>`), written by the build
/// into `<site_root>/pkg/build.txt`. Without a build the API still works and pages
/// render, but will not hydrate: that is logged.
pub fn output_name(site_root: &str) -> String {
    let path = Path::new(site_root).join("pkg").join("build.txt");
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            tracing::warn!("no {} — run scripts/build-site.sh; pages will not hydrate", path.display());
            "app".to_string()
        }
    }
}

/// Writes `.br` and `.gz` beside every compressible file under `dir`, for
/// `ServeDir::precompressed_*`. Returns (files, raw bytes, brotli bytes).
pub fn precompress(dir: &Path) -> anyhow::Result<(usize, u64, u64)> {
    use std::io::Write;
    let mut files = 0;
    let (mut raw, mut br) = (0u64, 0u64);
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            let (f, r, b) = precompress(&path)?;
            files += f;
            raw += r;
            br += b;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "js" | "wasm" | "css" | "svg" | "json" | "webmanifest" | "html" | "txt") {
            continue;
        }
        let data = std::fs::read(&path)?;
        let mut out = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
            w.write_all(&data)?;
        }
        std::fs::write(path.with_extension(format!("{ext}.br")), &out)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data)?;
        std::fs::write(path.with_extension(format!("{ext}.gz")), gz.finish()?)?;
        files += 1;
        raw += data.len() as u64;
        br += out.len() as u64;
    }
    Ok((files, raw, br))
}
