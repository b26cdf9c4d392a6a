//! Values at the edge of a workflow: params coming in, outputs going out.
//!
//! Between nodes, generated code passes typed Rust values (`f64`, `String`, `OrderBook`, ...);
//! [`Value`] exists only where a workflow meets the outside world: `--param NAME=VALUE` typed
//! against the workflow's [`ParamSpec`]s into [`ParamValues`], and the named outputs of a tick
//! ([`Outputs`]) reported in `execution_completed` events, the end summary and the
//! programmatic API.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// One param or output value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    F64(f64),
    I64(i64),
    Bool(bool),
    String(String),
    Duration(Duration),
    /// A domain value (order book, order, offer, ...) as its JSON object.
    Json(serde_json::Value),
}

impl Value {
    /// Any serializable value: numbers, booleans and strings become the matching variant,
    /// anything else (domain values) [`Value::Json`]. Generated code calls this on outputs.
    pub fn from_ref<T: Serialize + ?Sized>(value: &T) -> Value {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Bool(b)) => Value::Bool(b),
            Ok(serde_json::Value::String(s)) => Value::String(s),
            Ok(serde_json::Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
                // serde_json keeps the integer/float distinction of the source type.
                (Some(i), _) if !n.is_f64() => Value::I64(i),
                (_, Some(f)) => Value::F64(f),
                _ => Value::Json(serde_json::Value::Number(n)),
            },
            Ok(other) => Value::Json(other),
            Err(e) => Value::Json(serde_json::Value::String(format!("<unserializable: {e}>"))),
        }
    }

    /// The Flow type name of the value (`f64`, `String`, ...; `json` for domain values).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::F64(_) => "f64",
            Value::I64(_) => "i64",
            Value::Bool(_) => "bool",
            Value::String(_) => "String",
            Value::Duration(_) => "Duration",
            Value::Json(_) => "json",
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::F64(f) => Some(*f),
            Value::I64(i) => Some(*i as f64),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as JSON (durations as humantime text, e.g. `"1m 30s"`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::F64(f) => s.serialize_f64(*f),
            Value::I64(i) => s.serialize_i64(*i),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::String(text) => s.serialize_str(text),
            Value::Duration(d) => s.serialize_str(&humantime::format_duration(*d).to_string()),
            Value::Json(v) => v.serialize(s),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::F64(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::String(v) => write!(f, "{v:?}"),
            Value::Duration(d) => write!(f, "{}", humantime::format_duration(*d)),
            Value::Json(v) => write!(f, "{v}"),
        }
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::I64(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}
impl From<Duration> for Value {
    fn from(v: Duration) -> Self {
        Value::Duration(v)
    }
}

/// The named outputs of one tick, as a generated workflow's `Outputs` struct reports them.
pub trait Outputs {
    /// Every `output` of the workflow in declaration order; `None` when it read a node that
    /// was skipped or failed this tick.
    fn values(&self) -> Vec<(&'static str, Option<Value>)>;
}

/// A tick's outputs as a JSON object, absent outputs left out (the `results` of
/// `execution_completed`).
pub fn results_json(values: &[(&'static str, Option<Value>)]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = values
        .iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| ((*name).to_owned(), v.to_json())))
        .collect();
    serde_json::Value::Object(map)
}

/// One `param` of a workflow as generated code declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: &'static str,
    /// The Flow type name: `f64`, `i64`, `bool`, `String`, `Duration` (or a domain type,
    /// which cannot be given on the command line).
    pub ty: &'static str,
    /// No default: the run must give it.
    pub required: bool,
    /// The param's `///` doc comment (may be empty).
    pub doc: &'static str,
}

/// A problem with the params of a run. Exit code 2 on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// Required params that were not given.
    Missing(Vec<String>),
    /// `--param NAME=...` where the workflow has no param NAME.
    Unknown {
        name: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// A value that does not read as the param's type.
    Invalid {
        name: String,
        ty: String,
        value: String,
        reason: String,
    },
    /// The same param given twice.
    Duplicate(String),
    /// `--param` without `=`.
    Malformed(String),
}

impl ParamError {
    /// A required param is missing (generated code's fallback; the runtime normally reports
    /// all missing params before building the workflow).
    pub fn missing(name: &str) -> Self {
        ParamError::Missing(vec![name.to_owned()])
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Missing(names) => {
                let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let (s, it) = if names.len() == 1 {
                    ("", "it")
                } else {
                    ("s", "them")
                };
                let example = names.first().map(String::as_str).unwrap_or("NAME");
                write!(
                    f,
                    "missing required param{s} {}: give {it} with --param {example}=VALUE",
                    list.join(", ")
                )
            }
            ParamError::Unknown {
                name,
                suggestion,
                known,
            } => {
                write!(f, "unknown param `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, ": did you mean `{s}`?"),
                    None if known.is_empty() => write!(f, ": this workflow has no params"),
                    None => write!(f, " (params: {})", known.join(", ")),
                }
            }
            ParamError::Invalid {
                name,
                ty,
                value,
                reason,
            } => {
                write!(
                    f,
                    "invalid value {value:?} for param `{name}` of type {ty}: {reason}"
                )
            }
            ParamError::Duplicate(name) => write!(f, "param `{name}` given twice"),
            ParamError::Malformed(arg) => write!(f, "invalid --param {arg:?}: expected NAME=VALUE"),
        }
    }
}

impl std::error::Error for ParamError {}

/// Param values given to a run, typed by the workflow's [`ParamSpec`]s. Params not given are
/// absent; the workflow's `build` falls back to their defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamValues {
    values: BTreeMap<String, Value>,
}

impl ParamValues {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a value directly (the programmatic API). Not checked until [`ParamValues::check`].
    pub fn set(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        self.values.insert(name.to_owned(), value.into());
        self
    }

    /// Types `NAME=VALUE` pairs against `specs`: every name must be a param, every value must
    /// read as its type, and every required param must be there.
    pub fn parse(specs: &[ParamSpec], pairs: &[(String, String)]) -> Result<Self, ParamError> {
        let mut out = ParamValues::new();
        for (name, text) in pairs {
            let spec = find_spec(specs, name)?;
            if out.values.contains_key(name) {
                return Err(ParamError::Duplicate(name.clone()));
            }
            let value = parse_value(spec, text)?;
            out.values.insert(name.clone(), value);
        }
        out.check(specs)?;
        Ok(out)
    }

    /// Checks values set directly: known names, matching types, required params present.
    pub fn check(&self, specs: &[ParamSpec]) -> Result<(), ParamError> {
        for (name, value) in &self.values {
            let spec = find_spec(specs, name)?;
            let fits = matches!(
                (spec.ty, value),
                ("f64", Value::F64(_) | Value::I64(_))
                    | ("i64", Value::I64(_))
                    | ("bool", Value::Bool(_))
                    | ("String", Value::String(_))
                    | ("Duration", Value::Duration(_))
            );
            if !fits {
                return Err(ParamError::Invalid {
                    name: name.clone(),
                    ty: spec.ty.to_owned(),
                    value: value.to_string(),
                    reason: format!("expected {}, found {}", spec.ty, value.type_name()),
                });
            }
        }
        let missing: Vec<String> = specs
            .iter()
            .filter(|s| s.required && !self.values.contains_key(s.name))
            .map(|s| s.name.to_owned())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ParamError::Missing(missing))
        }
    }

    /// The value of param `name` as `T`, `None` when it was not given.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<Option<T>, ParamError> {
        match self.values.get(name) {
            None => Ok(None),
            Some(v) => T::from_value(v)
                .map(Some)
                .ok_or_else(|| ParamError::Invalid {
                    name: name.to_owned(),
                    ty: T::TYPE.to_owned(),
                    value: v.to_string(),
                    reason: format!("expected {}, found {}", T::TYPE, v.type_name()),
                }),
        }
    }

    /// The given values, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Types a param can have.
pub trait FromValue: Sized {
    const TYPE: &'static str;
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for f64 {
    const TYPE: &'static str = "f64";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_f64()
    }
}
impl FromValue for i64 {
    const TYPE: &'static str = "i64";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::I64(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for bool {
    const TYPE: &'static str = "bool";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}
impl FromValue for String {
    const TYPE: &'static str = "String";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Duration {
    const TYPE: &'static str = "Duration";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Duration(d) => Some(*d),
            _ => None,
        }
    }
}

fn find_spec<'a>(specs: &'a [ParamSpec], name: &str) -> Result<&'a ParamSpec, ParamError> {
    specs
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| ParamError::Unknown {
            name: name.to_owned(),
            suggestion: did_you_mean(name, specs.iter().map(|s| s.name)).map(str::to_owned),
            known: specs.iter().map(|s| s.name.to_owned()).collect(),
        })
}

/// Reads `text` as a value of the param's type, the way Flow literals read.
fn parse_value(spec: &ParamSpec, text: &str) -> Result<Value, ParamError> {
    let invalid = |reason: String| ParamError::Invalid {
        name: spec.name.to_owned(),
        ty: spec.ty.to_owned(),
        value: text.to_owned(),
        reason,
    };
    let digits = text.trim().replace('_', "");
    match spec.ty {
        "f64" => match digits.as_str() {
            "inf" | "+inf" => Ok(Value::F64(f64::INFINITY)),
            "-inf" => Ok(Value::F64(f64::NEG_INFINITY)),
            d => match d.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Value::F64(f)),
                _ => Err(invalid("expected a number such as 0.5, 14 or 1e-3".into())),
            },
        },
        "i64" => digits
            .parse::<i64>()
            .map(Value::I64)
            .map_err(|e| invalid(format!("expected a whole number ({e})"))),
        "bool" => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(invalid("expected true or false".into())),
        },
        "String" => Ok(Value::String(text.to_owned())),
        "Duration" => humantime::parse_duration(text.trim())
            .map(Value::Duration)
            .map_err(|e| {
                invalid(format!(
                    "expected a duration such as 250ms, 2s, 5m, 1h or 1d ({e})"
                ))
            }),
        other => Err(invalid(format!(
            "a {other} cannot be given on the command line"
        ))),
    }
}

/// The closest candidate within a small edit distance, for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // One edit per three characters, rounded up: `pear` finds `pair`, `sise` finds `size`.
    let limit = name.chars().count().div_ceil(3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "pair",
            ty: "String",
            required: false,
            doc: "",
        },
        ParamSpec {
            name: "size",
            ty: "f64",
            required: false,
            doc: "",
        },
        ParamSpec {
            name: "period",
            ty: "i64",
            required: false,
            doc: "",
        },
        ParamSpec {
            name: "live",
            ty: "bool",
            required: false,
            doc: "",
        },
        ParamSpec {
            name: "every",
            ty: "Duration",
            required: false,
            doc: "",
        },
        ParamSpec {
            name: "limit",
            ty: "f64",
            required: true,
            doc: "",
        },
    ];

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn params_are_typed() {
        let v = ParamValues::parse(
            SPECS,
            &pairs(&[
                ("pair", "ETHUSDT"),
                ("size", "0.5"),
                ("period", "1_000"),
                ("live", "true"),
                ("every", "250ms"),
                ("limit", "7"),
            ]),
        )
        .unwrap();
        assert_eq!(v.get::<String>("pair").unwrap().as_deref(), Some("ETHUSDT"));
        assert_eq!(v.get::<f64>("size").unwrap(), Some(0.5));
        assert_eq!(v.get::<i64>("period").unwrap(), Some(1000));
        assert_eq!(v.get::<bool>("live").unwrap(), Some(true));
        assert_eq!(
            v.get::<Duration>("every").unwrap(),
            Some(Duration::from_millis(250))
        );
        assert_eq!(v.get::<f64>("limit").unwrap(), Some(7.0));
        assert_eq!(v.get::<f64>("absent").unwrap(), None);
        assert!(v.get::<i64>("size").is_err());
    }

    #[test]
    fn param_errors_say_what_to_do() {
        let e = ParamValues::parse(SPECS, &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing required param `limit`: give it with --param limit=VALUE"
        );
        let e = ParamValues::parse(SPECS, &pairs(&[("sise", "1"), ("limit", "1")])).unwrap_err();
        assert_eq!(e.to_string(), "unknown param `sise`: did you mean `size`?");
        let e = ParamValues::parse(SPECS, &pairs(&[("pear", "1")])).unwrap_err();
        assert_eq!(e.to_string(), "unknown param `pear`: did you mean `pair`?");
        let e = ParamValues::parse(SPECS, &pairs(&[("zzzzzz", "1")])).unwrap_err();
        assert!(e.to_string().contains("params: pair, size"), "{e}");
        let e = ParamValues::parse(SPECS, &pairs(&[("size", "lots"), ("limit", "1")])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid value \"lots\" for param `size` of type f64"),
            "{e}"
        );
        let e = ParamValues::parse(SPECS, &pairs(&[("period", "1.5")])).unwrap_err();
        assert!(matches!(e, ParamError::Invalid { .. }));
        let e = ParamValues::parse(SPECS, &pairs(&[("size", "1"), ("size", "2")])).unwrap_err();
        assert_eq!(e, ParamError::Duplicate("size".into()));
        let e = ParamValues::parse(SPECS, &pairs(&[("size", "NaN"), ("limit", "1")])).unwrap_err();
        assert!(matches!(e, ParamError::Invalid { .. }));
    }

    #[test]
    fn values_from_serializable_outputs() {
        assert_eq!(Value::from_ref(&1.5f64), Value::F64(1.5));
        assert_eq!(Value::from_ref(&2.0f64), Value::F64(2.0));
        assert_eq!(Value::from_ref(&3i64), Value::I64(3));
        assert_eq!(Value::from_ref(&true), Value::Bool(true));
        assert_eq!(Value::from_ref("x"), Value::String("x".into()));
        assert_eq!(
            Value::from_ref(&serde_json::json!({"a": 1})),
            Value::Json(serde_json::json!({"a": 1}))
        );
        let results = results_json(&[
            ("a", Some(Value::F64(1.0))),
            ("b", None),
            ("d", Some(Duration::from_secs(90).into())),
        ]);
        assert_eq!(results, serde_json::json!({"a": 1.0, "d": "1m 30s"}));
    }
}
