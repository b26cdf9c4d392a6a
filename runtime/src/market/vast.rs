//! The real vast.ai API, as pure functions: the requests `vast.offers`, `vast.allocate` and
//! `vast.release` send in live mode, and parsers of the answers. No I/O happens here, so
//! the shapes are tested without a network; the live client that sends them belongs to the
//! venue-client work (until then those nodes answer `Unsupported` in live mode).
//!
//! - search offers: `GET https://console.vast.ai/api/v0/bundles/?q=<url-encoded JSON>`, the
//!   JSON holding filters like `{"gpu_name":{"eq":"RTX 4090"},"num_gpus":{"eq":1},
//!   "rentable":{"eq":true},"reliability2":{"gte":0.95},"dph_total":{"lte":0.5}}`;
//! - rent: `PUT https://console.vast.ai/api/v0/asks/{id}/` with JSON
//!   `{"client_id":"me","image":...,"disk":...}`;
//! - release: `DELETE https://console.vast.ai/api/v0/instances/{id}/`.
//!
//! Every request carries `Authorization: Bearer <key>` with the key from `VAST_API_KEY`.
//! The key lives in an [`ApiKey`] whose `Debug` is redacted, and [`VastRequest`]'s `Debug`
//! and every error leave it out.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::node::{ErrorKind, NodeError};
use crate::types::GpuOffer;

/// The API root.
pub const API_ROOT: &str = "https://console.vast.ai/api/v0";

/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "VAST_API_KEY";

/// A vast.ai API key. Never printed: `Debug` shows `ApiKey(<redacted>)`.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    /// The key from `VAST_API_KEY`; an `InvalidInput` error naming the variable (not its
    /// value) when it is unset or empty.
    pub fn from_env() -> Result<ApiKey, NodeError> {
        match std::env::var(API_KEY_ENV) {
            Ok(k) if !k.trim().is_empty() => Ok(ApiKey(k.trim().to_string())),
            _ => Err(NodeError::invalid(format!(
                "vast.ai needs an API key: set the environment variable {API_KEY_ENV}"
            ))),
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// An HTTP request ready to send: method, URL, optional JSON body, and the bearer key.
#[derive(Clone)]
pub struct VastRequest {
    pub method: &'static str,
    pub url: String,
    /// The JSON body, if any (sent with `Content-Type: application/json`).
    pub body: Option<String>,
    key: ApiKey,
}

impl VastRequest {
    /// The `Authorization` header value. Only for the client that sends the request.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.key.0)
    }
}

impl fmt::Debug for VastRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VastRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body", &self.body)
            .field("authorization", &"Bearer <redacted>")
            .finish()
    }
}

/// What `vast.offers` searches for.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferQuery {
    /// The GPU model as vast.ai names it (`RTX 4090`); empty for any model.
    pub gpu: String,
    pub num_gpus: i64,
    /// The highest acceptable `dph_total`; infinite for no limit.
    pub max_dph: f64,
    pub min_reliability: f64,
}

/// The search filter JSON of a query (the `q` parameter), cheapest first.
pub fn offers_query(q: &OfferQuery) -> Value {
    let mut m = Map::new();
    if !q.gpu.trim().is_empty() {
        m.insert("gpu_name".into(), json!({ "eq": q.gpu.trim() }));
    }
    m.insert("num_gpus".into(), json!({ "eq": q.num_gpus }));
    m.insert("rentable".into(), json!({ "eq": true }));
    m.insert("rented".into(), json!({ "eq": false }));
    m.insert("reliability2".into(), json!({ "gte": q.min_reliability }));
    // JSON has no infinity: no limit means no filter.
    if q.max_dph.is_finite() {
        m.insert("dph_total".into(), json!({ "lte": q.max_dph }));
    }
    m.insert("type".into(), json!("on-demand"));
    m.insert("order".into(), json!([["dph_total", "asc"]]));
    Value::Object(m)
}

/// `GET /bundles/?q=...`: the offers matching a query.
pub fn search_offers(q: &OfferQuery, key: &ApiKey) -> VastRequest {
    let query = offers_query(q).to_string();
    VastRequest {
        method: "GET",
        url: format!("{API_ROOT}/bundles/?q={}", percent_encode(&query)),
        body: None,
        key: key.clone(),
    }
}

/// `PUT /asks/{id}/`: rents an offer with a Docker image and a disk size in GB.
pub fn rent_offer(offer_id: i64, image: &str, disk_gb: f64, key: &ApiKey) -> VastRequest {
    let body = json!({ "client_id": "me", "image": image, "disk": disk_gb });
    VastRequest {
        method: "PUT",
        url: format!("{API_ROOT}/asks/{offer_id}/"),
        body: Some(body.to_string()),
        key: key.clone(),
    }
}

/// `DELETE /instances/{id}/`: destroys a rented instance.
pub fn destroy_instance(instance_id: i64, key: &ApiKey) -> VastRequest {
    VastRequest {
        method: "DELETE",
        url: format!("{API_ROOT}/instances/{instance_id}/"),
        body: None,
        key: key.clone(),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn bad(message: String) -> NodeError {
    NodeError::new(ErrorKind::BadResponse, message)
}

/// Parses a `/bundles/` answer, `{"offers":[...]}`, into offers cheapest first. Fields
/// `id`, `gpu_name`, `num_gpus` and `dph_total` are required; the rest default to zero or
/// empty. Reliability is `reliability2`, else `reliability`. Errors are `BadResponse`
/// naming the offer and field.
pub fn parse_offers(text: &str) -> Result<Vec<GpuOffer>, NodeError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| bad(format!("vast.ai offers: the answer is not JSON ({e})")))?;
    let Some(list) = v.get("offers").and_then(Value::as_array) else {
        return Err(bad(
            "vast.ai offers: expected an object with an \"offers\" array".to_string(),
        ));
    };
    let mut offers = Vec::with_capacity(list.len());
    for (i, o) in list.iter().enumerate() {
        let Some(obj) = o.as_object() else {
            return Err(bad(format!("vast.ai offers: offer {i} is not an object")));
        };
        let what = |field: &str, expected: &str| {
            let id = obj
                .get("id")
                .map(|v| format!(" (id {v})"))
                .unwrap_or_default();
            bad(format!(
                "vast.ai offers: offer {i}{id}: field \"{field}\" {expected}"
            ))
        };
        let int = |field: &str| -> Result<i64, NodeError> {
            match obj.get(field) {
                None | Some(Value::Null) => Err(what(field, "is missing")),
                Some(v) => v
                    .as_i64()
                    .or_else(|| {
                        v.as_f64()
                            .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                            .map(|f| f as i64)
                    })
                    .ok_or_else(|| what(field, "is not an integer")),
            }
        };
        let num = |field: &str| -> Result<f64, NodeError> {
            match obj.get(field) {
                None | Some(Value::Null) => Err(what(field, "is missing")),
                Some(v) => v.as_f64().ok_or_else(|| what(field, "is not a number")),
            }
        };
        let opt_num = |field: &str| -> Result<f64, NodeError> {
            match obj.get(field) {
                None | Some(Value::Null) => Ok(0.0),
                Some(v) => v.as_f64().ok_or_else(|| what(field, "is not a number")),
            }
        };
        let gpu_name = match obj.get("gpu_name") {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => return Err(what("gpu_name", "is missing")),
            Some(_) => return Err(what("gpu_name", "is not a string")),
        };
        let reliability = match obj.get("reliability2") {
            Some(Value::Null) | None => opt_num("reliability")?,
            Some(_) => num("reliability2")?,
        };
        let verified = match obj.get("verification") {
            Some(Value::String(s)) => s == "verified",
            _ => obj
                .get("verified")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        };
        offers.push(GpuOffer {
            id: int("id")?,
            machine_id: if obj.contains_key("machine_id") {
                int("machine_id")?
            } else {
                0
            },
            gpu_name,
            num_gpus: int("num_gpus")?,
            gpu_ram: opt_num("gpu_ram")?.round() as i64,
            dph_total: num("dph_total")?,
            dlperf: opt_num("dlperf")?,
            total_flops: opt_num("total_flops")?,
            reliability,
            cpu_cores_effective: opt_num("cpu_cores_effective")?,
            cpu_ram: opt_num("cpu_ram")?.round() as i64,
            disk_space: opt_num("disk_space")?,
            inet_down: opt_num("inet_down")?,
            inet_up: opt_num("inet_up")?,
            cuda_max_good: opt_num("cuda_max_good")?,
            geolocation: obj
                .get("geolocation")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            verified,
            rentable: obj.get("rentable").and_then(Value::as_bool).unwrap_or(true),
        });
    }
    offers.sort_by(|a, b| a.dph_total.total_cmp(&b.dph_total).then(a.id.cmp(&b.id)));
    Ok(offers)
}

/// Parses a rent answer, `{"success": true, "new_contract": 1234567}`, into the instance id.
pub fn parse_rent(text: &str) -> Result<i64, NodeError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| bad(format!("vast.ai rent: the answer is not JSON ({e})")))?;
    if v.get("success").and_then(Value::as_bool) == Some(false) {
        let why = v
            .get("msg")
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        return Err(NodeError::new(
            ErrorKind::Rejected,
            format!("vast.ai refused the rental: {why}"),
        ));
    }
    v.get("new_contract")
        .and_then(Value::as_i64)
        .ok_or_else(|| bad("vast.ai rent: the answer has no integer \"new_contract\"".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `q` parameter of a URL, decoded.
    fn decode_q(url: &str) -> Value {
        let q = url.split_once("?q=").expect("has q").1;
        let mut bytes = Vec::new();
        let b = q.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex");
                bytes.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            } else {
                bytes.push(b[i]);
                i += 1;
            }
        }
        serde_json::from_slice(&bytes).expect("json")
    }

    #[test]
    fn search_request_shape() {
        let key = ApiKey::new("sekrit-key-123");
        let q = OfferQuery {
            gpu: "RTX 4090".into(),
            num_gpus: 1,
            max_dph: 0.5,
            min_reliability: 0.95,
        };
        let r = search_offers(&q, &key);
        assert_eq!(r.method, "GET");
        assert!(
            r.url
                .starts_with("https://console.vast.ai/api/v0/bundles/?q=")
        );
        assert!(
            !r.url.contains(' ') && !r.url.contains('{'),
            "encoded: {}",
            r.url
        );
        let v = decode_q(&r.url);
        assert_eq!(v["gpu_name"], json!({"eq": "RTX 4090"}));
        assert_eq!(v["num_gpus"], json!({"eq": 1}));
        assert_eq!(v["rentable"], json!({"eq": true}));
        assert_eq!(v["reliability2"], json!({"gte": 0.95}));
        assert_eq!(v["dph_total"], json!({"lte": 0.5}));
        assert_eq!(r.authorization(), "Bearer sekrit-key-123");
        assert!(r.body.is_none());
        let unlimited = OfferQuery {
            max_dph: f64::INFINITY,
            ..q
        };
        assert!(
            decode_q(&search_offers(&unlimited, &key).url)
                .get("dph_total")
                .is_none()
        );
        let dbg = format!("{r:?} {key:?}");
        assert!(!dbg.contains("sekrit"), "{dbg}");
    }

    #[test]
    fn rent_and_destroy_request_shapes() {
        let key = ApiKey::new("k");
        let r = rent_offer(20_000_123, "pytorch/pytorch:latest", 40.0, &key);
        assert_eq!(r.method, "PUT");
        assert_eq!(r.url, "https://console.vast.ai/api/v0/asks/20000123/");
        let body: Value = serde_json::from_str(r.body.as_deref().expect("body")).expect("json");
        assert_eq!(
            body,
            json!({"client_id": "me", "image": "pytorch/pytorch:latest", "disk": 40.0})
        );
        let d = destroy_instance(77, &key);
        assert_eq!(
            (d.method, d.url.as_str()),
            ("DELETE", "https://console.vast.ai/api/v0/instances/77/")
        );
        assert_eq!(percent_encode("a b{\"}~"), "a%20b%7B%22%7D~");
    }

    const FIXTURE: &str = r#"{"offers": [
      {"id": 8123456, "ask_contract_id": 8123456, "machine_id": 13412, "gpu_name": "RTX 4090",
       "num_gpus": 1, "gpu_ram": 24564, "gpu_total_ram": 24564, "dph_base": 0.35, "dph_total": 0.3891,
       "dlperf": 78.4, "dlperf_per_dphtotal": 201.5, "reliability": 0.9871, "reliability2": 0.9871,
       "total_flops": 82.6, "cpu_cores_effective": 16.0, "cpu_ram": 64305, "disk_space": 512.3,
       "inet_down": 902.1, "inet_up": 850.3, "cuda_max_good": 12.4, "geolocation": "Sweden, SE",
       "verification": "verified", "rentable": true, "rented": false, "static_ip": true},
      {"id": 7000001, "machine_id": 999, "gpu_name": "RTX 4090", "num_gpus": 1.0, "gpu_ram": 24564.0,
       "dph_total": 0.3012, "dlperf": null, "reliability2": null, "reliability": 0.96,
       "geolocation": null, "verified": false}
    ]}"#;

    #[test]
    fn parses_a_realistic_answer_cheapest_first() {
        let offers = parse_offers(FIXTURE).expect("parses");
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[0].id, 7_000_001);
        assert_eq!(offers[0].num_gpus, 1);
        assert_eq!(offers[0].dlperf, 0.0);
        assert_eq!(offers[0].reliability, 0.96);
        assert!(offers[0].dph_per_dlperf().is_infinite());
        let o = &offers[1];
        assert_eq!(o.gpu_name, "RTX 4090");
        assert_eq!(o.gpu_ram, 24_564);
        assert_eq!(o.dph_total, 0.3891);
        assert_eq!(o.reliability, 0.9871);
        assert_eq!(o.geolocation, "Sweden, SE");
        assert!(o.verified && o.rentable);
        assert_eq!(parse_offers(r#"{"offers": []}"#).expect("empty"), vec![]);
    }

    #[test]
    fn malformed_answers_are_bad_responses_naming_the_problem() {
        let cases = [
            ("not json", "not JSON"),
            (r#"{"bundles": []}"#, "\"offers\" array"),
            (r#"{"offers": [3]}"#, "offer 0 is not an object"),
            (
                r#"{"offers": [{"id": 1, "num_gpus": 1, "dph_total": 1}]}"#,
                "offer 0 (id 1): field \"gpu_name\" is missing",
            ),
            (
                r#"{"offers": [{"id": 1, "gpu_name": "A", "num_gpus": 1, "dph_total": "x"}]}"#,
                "field \"dph_total\" is not a number",
            ),
            (
                r#"{"offers": [{"id": 1.5, "gpu_name": "A", "num_gpus": 1, "dph_total": 1}]}"#,
                "field \"id\" is not an integer",
            ),
        ];
        for (text, needle) in cases {
            let e = parse_offers(text).expect_err(text);
            assert_eq!(e.kind, ErrorKind::BadResponse);
            assert!(e.message.contains(needle), "{} lacks {needle}", e.message);
        }
        assert_eq!(
            parse_rent(r#"{"success": true, "new_contract": 4242}"#),
            Ok(4242)
        );
        assert_eq!(
            parse_rent(r#"{"success": false, "msg": "no such ask"}"#)
                .unwrap_err()
                .kind,
            ErrorKind::Rejected
        );
        assert_eq!(parse_rent("{}").unwrap_err().kind, ErrorKind::BadResponse);
    }
}
