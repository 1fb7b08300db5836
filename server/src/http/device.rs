//! Device identity without accounts: `X-Device-Key` (never in a URL); only its
//! SHA-256 is stored.

use crate::http::error::AppError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

pub const HEADER: &str = "x-device-key";

/// Whose records a phone reads and writes — the hex SHA-256 of its device key, or of the
/// family's phone it shares with (`device_links`) —, the hash of the client's address (see
/// `auth::client_address`; used only to limit anonymous writes per address, and dropped
/// from stored records after a day), and the phone's own key hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceHash(pub String, pub String, pub String);

impl DeviceHash {
    /// The phone's own key hash (not the family's it may share).
    pub fn own(&self) -> &str {
        &self.2
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A device key is 22–128 characters of `A-Z a-z 0-9 - _` (a UUID or base64url of ≥ 16 random bytes).
pub fn valid_key(k: &str) -> bool {
    (22..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl FromRequestParts<AppState> for DeviceHash {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AppError::Unauthorized("缺少设备标识（X-Device-Key），请刷新页面后重试".into()))?;
        if !valid_key(key) {
            return Err(AppError::Unauthorized("设备标识（X-Device-Key）格式不正确".into()));
        }
        let address = crate::api::auth::client_address(crate::api::auth::peer_of(&parts.extensions), &parts.headers, &st.trusted_proxies);
        let own = sha256_hex(key.as_bytes());
        // on a reader; a write whose readers are all busy resolves it on the writer it is about
        // to use anyway (it must not wait for a reader, nor queue twice for the writer)
        let mut conn = match st.read.try_acquire() {
            Some(c) => c,
            None if parts.method != axum::http::Method::GET => st.write.acquire().await?,
            None => st.read.acquire().await?,
        };
        let household = crate::db::privacy::household(&mut conn, &own).await?;
        Ok(DeviceHash(household, sha256_hex(format!("address {address}").as_bytes()), own))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_hashes() {
        assert!(valid_key("3f2b8c1e-9a4d-4e7b-8c2f-1a2b3c4d5e6f"));
        assert!(valid_key("AbCdEfGhIjKlMnOpQrStUv"));
        assert!(!valid_key("short"));
        assert!(!valid_key("has space in it 1234567890"));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
