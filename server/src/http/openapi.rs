//! What every operation of the OpenAPI document says beyond its own `#[utoipa::path]`: the
//! headers the server reads (`Idempotency-Key`, `X-Device-Key`, `X-CSRF-Token`), the session
//! cookie, and the answers any request may get from the layers in front of the handler
//! (401/403 from the extractors, 409/413/422/429 from the idempotent-write runner, 503 from
//! a busy pool). Decided here once, by the same rules the extractors follow, so a generated
//! client knows every status and header the server can send.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required};
use utoipa::Modify;

pub struct Contract;

/// GETs that answer per device (a parent's or family's own records).
const DEVICE_READS: [&str; 5] = ["/api/v1/requests", "/api/v1/orders", "/api/v1/favorites", "/api/v1/welfare-visits", "/api/v1/me/data"];

/// Signed-in routes: the desks, the carer's phone, and the session itself.
fn needs_session(path: &str) -> bool {
    ["/api/v1/operator/", "/api/v1/admin/", "/api/v1/carer/"].iter().any(|p| path.starts_with(p))
        || path == "/api/v1/auth/me"
        || path == "/api/v1/auth/logout"
}

/// A registry file's upload (`PUT`, under the id the desk made: the same id and file is the
/// same upload) is idempotent by its path, not by an `Idempotency-Key`.
const UPLOAD: &str = "/api/v1/admin/imports/{id}";

/// Every write but signing in and out (and the upload) goes through `idempotency::run`.
fn idempotent(path: &str, write: bool) -> bool {
    write && path != "/api/v1/auth/login" && path != "/api/v1/auth/logout" && path != UPLOAD
}

fn header(name: &str, description: &str, pattern: &str, min: usize, max: usize) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).min_length(Some(min)).max_length(Some(max)),
        ))
        .build()
}

fn error(description: &str) -> utoipa::openapi::response::ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody")))).build())
}

fn retry_after(b: utoipa::openapi::response::ResponseBuilder) -> utoipa::openapi::response::Response {
    b.header(
        "Retry-After",
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
            .description(Some("Seconds to wait before sending again (the outbox waits this long)"))
            .build(),
    )
    .build()
}

fn add(op: &mut Operation, status: &str, response: utoipa::openapi::response::Response) {
    let slot = op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::T(response.clone()));
    // a handler's own `(status = 401)` without a body gets the error body and headers
    if let RefOr::T(r) = slot {
        if r.content.is_empty() {
            r.content = response.content;
        }
        for (k, v) in response.headers {
            r.headers.entry(k).or_insert(v);
        }
    }
}

fn describe(path: &str, write: bool, op: &mut Operation) {
    let session = needs_session(path);
    let idem = idempotent(path, write);
    let device = idem || (!write && DEVICE_READS.contains(&path));
    let params = op.parameters.get_or_insert_with(Vec::new);
    if idem {
        params.push(header(
            "Idempotency-Key",
            "Made by the client once per write and kept across retries: a replay gets the stored answer \
             (with `Idempotent-Replayed: true`) and writes nothing; the same key with another request is 409.",
            "^[A-Za-z0-9._-]{8,128}$",
            8,
            128,
        ));
    }
    if device {
        // A header, not a security scheme: any well-formed key is a device (a new phone's first
        // key included), so it identifies rather than authenticates.
        params.push(header(
            "X-Device-Key",
            "The device's random key (made on first start, never in a URL); only its SHA-256 is stored. \
             A device's records are answered only to it (and to the account that made them).",
            "^[A-Za-z0-9_-]{22,128}$",
            22,
            128,
        ));
    }
    // The session's credentials are security schemes (below).
    let mut credentials: Vec<&str> = Vec::new();
    if session {
        credentials.push("session");
        if write {
            credentials.push("csrf");
        }
    }
    if !credentials.is_empty() {
        let all = credentials.iter().fold(SecurityRequirement::default(), |r, c| r.add(*c, Vec::<String>::new()));
        op.security = Some(vec![all]);
    }
    let has_input = !params.is_empty() || op.request_body.is_some() || path.contains('{');
    if session {
        add(op, "401", error("Not signed in, or the session expired or was revoked").build());
        add(op, "403", error("Signed in, but not allowed: another organisation or district, another role, or a missing CSRF token").build());
    }
    if device {
        add(op, "401", error("`X-Device-Key` missing or malformed").build());
    }
    if path.contains('{') || idem {
        add(op, "404", error("No such record (or not one this caller may see)").build());
    }
    if has_input {
        add(op, "422", error("Bad input: `fields` names each bad field, with a message in Chinese").build());
    }
    if write {
        add(op, "413", error(if path == UPLOAD { "File over 10 MB" } else { "Body over 64 KB" }).build());
    }
    if idem {
        add(op, "409", error("The Idempotency-Key was used for another request, or the record changed meanwhile").build());
        add(
            op,
            "429",
            retry_after(error(
                "An anonymous device or address writing faster than a person (30 new writes a minute per device, \
                 `ANON_WRITES_PER_ADDRESS_PER_MINUTE` per address); replays are still answered",
            )),
        );
    }
    if path == "/api/v1/auth/login" {
        add(op, "429", retry_after(error("Too many failed sign-ins for this account (or from this address for it): wait, or the account is locked for 15 minutes")));
    }
    add(op, "503", retry_after(error("Busy: every database connection stayed taken for 3 s; send again after `Retry-After`")));
}

impl Modify for Contract {
    fn modify(&self, api: &mut OpenApi) {
        for (path, item) in api.paths.paths.iter_mut() {
            for (write, op) in [(false, &mut item.get), (true, &mut item.post), (true, &mut item.put), (true, &mut item.delete)] {
                if let Some(op) = op {
                    describe(path, write, op);
                }
            }
        }
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The `csrf_token` from signing in: every write of a signed-in session carries it (else 403).",
            ))),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::api::auth::COOKIE,
                "Set by `POST /api/v1/auth/login` (HttpOnly, SameSite=Strict; named `__Host-yl_session` and Secure behind HTTPS)",
            ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::UPLOAD;

    #[test]
    fn every_write_names_its_headers_and_every_operation_its_busy_answer() {
        let doc = serde_json::to_value(crate::api::document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let (mut writes, mut operations) = (0, 0);
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                operations += 1;
                let names: Vec<&str> = op["parameters"].as_array().map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect()).unwrap_or_default();
                assert!(op["responses"]["503"]["headers"]["Retry-After"].is_object(), "{method} {path}");
                if method != "get" && !path.starts_with("/api/v1/auth/") && path != UPLOAD {
                    writes += 1;
                    assert!(names.contains(&"Idempotency-Key") && names.contains(&"X-Device-Key"), "{method} {path}: {names:?}");
                    for s in ["409", "413", "422", "429"] {
                        assert!(op["responses"][s].is_object(), "{method} {path} lacks {s}");
                    }
                }
                if path.starts_with("/api/v1/operator/") {
                    assert!(op["responses"]["401"].is_object() && op["responses"]["403"].is_object(), "{method} {path}");
                    assert_eq!(op["security"][0]["csrf"].is_array(), method != "get", "{method} {path}");
                    assert!(op["security"][0]["session"].is_array(), "{method} {path}");
                }
            }
        }
        assert!(writes >= 22, "{writes}");
        // the document is built from the routes themselves: every served operation, once
        assert_eq!(operations, 92, "operations in the document");
        let upload = &paths[UPLOAD]["put"];
        for s in ["401", "403", "409", "413", "422"] {
            assert!(upload["responses"][s].is_object(), "upload lacks {s}");
        }
        assert!(upload["security"][0]["csrf"].is_array());
        assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
        assert_eq!(doc["components"]["securitySchemes"]["csrf"]["name"], "X-CSRF-Token");
    }
}
