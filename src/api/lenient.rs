//! Field readers (`#[serde(deserialize_with = ...)]`) that read manifest values the way the
//! API server's decoder does: YAML 1.1 booleans (`yes`, `on`, …) in boolean fields, integers
//! that must really be integers (a quoted `"3"` is rejected, as the API server rejects it), and
//! enumerations whose bad values are reported in Kubernetes' words
//! (`Unsupported value: "Sometimes": supported values: "OnFailure", "Never"`).
//!
//! These readers only decode: range rules and cross-field rules belong to `validation`.

use serde::de::{Deserialize, Deserializer, Error};
use yaml_serde::Value;

use super::cronjob::ConcurrencyPolicy;
use super::job::{CompletionMode, ExitCodeOperator, PodFailurePolicyAction, PodReplacementPolicy};
use super::pod::RestartPolicy;

/// The plain scalars the API server's YAML decoder (go-yaml v2, YAML 1.1) reads as booleans.
const YAML11_TRUE: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
];
const YAML11_FALSE: &[&str] = &[
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
];

/// Reads YAML 1.1 booleans. Whether the scalar was quoted (and so a string the API server
/// would reject) is checked by the loader, which sees the source text.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b)),
        Value::String(s) if YAML11_TRUE.contains(&s.as_str()) => Ok(Some(true)),
        Value::String(s) if YAML11_FALSE.contains(&s.as_str()) => Ok(Some(false)),
        other => Err(D::Error::custom(format!(
            "Invalid value: {}: must be a boolean (true or false)",
            describe(&other)
        ))),
    }
}

/// The value as it reads in a message: strings quoted, numbers as written.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a mapping".to_string(),
        Value::Tagged(t) => match big_integer(value) {
            Some(digits) => digits.to_string(),
            None => format!("a value tagged {}", t.tag),
        },
    }
}

/// The tag [`document`] gives an integer literal too large for a YAML value (beyond 64
/// bits), kept as its digits so that the field reading it can say its range.
const BIG_INTEGER_TAG: &str = "!jobsim/integer-beyond-64-bits";

/// The digits of an integer [`document`] could not hold in 64 bits.
fn big_integer(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(t) if t.tag == yaml_serde::value::Tag::new(BIG_INTEGER_TAG) => {
            t.value.as_str()
        }
        _ => None,
    }
}

/// Reads a whole YAML document as a value, as `Value::deserialize` does, except that an
/// integer literal beyond 64 bits (`99999999999999999999`), which a `Value` cannot hold
/// (serde then fails with "integer … as u128, expected any YAML value", pointing at no
/// rule), is kept as its digits under a private tag: the integer readers below report it
/// against the field's range, as the API server rejects a number its field cannot hold.
pub fn document<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    d.deserialize_any(DocumentVisitor)
}

struct DocumentVisitor;

impl<'de> serde::de::DeserializeSeed<'de> for DocumentVisitor {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for DocumentVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: Error>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Number(i.into()))
    }
    fn visit_u64<E: Error>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Number(u.into()))
    }
    fn visit_i128<E: Error>(self, i: i128) -> Result<Value, E> {
        Ok(match i64::try_from(i) {
            Ok(i) => Value::Number(i.into()),
            Err(_) => big(i.to_string()),
        })
    }
    fn visit_u128<E: Error>(self, u: u128) -> Result<Value, E> {
        Ok(match u64::try_from(u) {
            Ok(u) => Value::Number(u.into()),
            Err(_) => big(u.to_string()),
        })
    }
    fn visit_f64<E: Error>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Number(f.into()))
    }
    fn visit_str<E: Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E: Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(DocumentVisitor)? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut mapping = yaml_serde::Mapping::new();
        while let Some(key) = map.next_key_seed(DocumentVisitor)? {
            // A repeated key is refused, in the words `Value::deserialize` uses.
            if mapping.contains_key(&key) {
                return Err(A::Error::custom(match &key {
                    Value::Null => "duplicate entry with null key".to_string(),
                    Value::Bool(b) => format!("duplicate entry with key `{b}`"),
                    Value::Number(n) => format!("duplicate entry with key {n}"),
                    Value::String(s) => format!("duplicate entry with key {s:?}"),
                    _ => "duplicate entry in YAML map".to_string(),
                }));
            }
            let value = map.next_value_seed(DocumentVisitor)?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (tag, contents) = data.variant::<String>()?;
        let value = contents.newtype_variant_seed(DocumentVisitor)?;
        Ok(Value::Tagged(Box::new(yaml_serde::value::TaggedValue {
            tag: yaml_serde::value::Tag::new(tag),
            value,
        })))
    }
}

fn big(digits: String) -> Value {
    Value::Tagged(Box::new(yaml_serde::value::TaggedValue {
        tag: yaml_serde::value::Tag::new(BIG_INTEGER_TAG),
        value: Value::String(digits),
    }))
}

fn integer<E: Error>(value: Value, bits: u32) -> Result<Option<i64>, E> {
    let (min, max) = if bits == 32 {
        (i64::from(i32::MIN), i64::from(i32::MAX))
    } else {
        (i64::MIN, i64::MAX)
    };
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_i64() {
            Some(v) if (min..=max).contains(&v) => Ok(Some(v)),
            Some(_) | None if n.is_i64() || n.is_u64() => Err(E::custom(format!(
                "Invalid value: {n}: must fit in a {bits}-bit integer ({min} to {max})"
            ))),
            _ => Err(E::custom(format!(
                "Invalid value: {n}: must be a whole number"
            ))),
        },
        ref big if big_integer(big).is_some() => Err(E::custom(format!(
            "Invalid value: {}: must fit in a {bits}-bit integer ({min} to {max})",
            describe(big)
        ))),
        Value::String(s) => Err(E::custom(format!(
            "Invalid value: {s:?}: must be an integer, not a string (the API server rejects quoted numbers; write it without quotes)"
        ))),
        other => Err(E::custom(format!(
            "Invalid value: {}: must be an integer",
            describe(&other)
        ))),
    }
}

pub fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    // The range was checked: the conversion cannot fail.
    integer::<D::Error>(Value::deserialize(d)?, 32).map(|v| v.and_then(|v| i32::try_from(v).ok()))
}

pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    integer::<D::Error>(Value::deserialize(d)?, 64)
}

/// A list of 32-bit integers (`onExitCodes.values`).
pub fn vec_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i32>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match integer::<D::Error>(item, 32) {
                    Ok(Some(v)) => out.extend(i32::try_from(v).ok()),
                    Ok(None) => {
                        return Err(D::Error::custom(format!(
                            "[{i}]: Invalid value: null: must be an integer"
                        )));
                    }
                    Err(e) => return Err(D::Error::custom(format!("[{i}]: {e}"))),
                }
            }
            Ok(out)
        }
        other => Err(D::Error::custom(format!(
            "Invalid value: {}: must be a list of integers",
            describe(&other)
        ))),
    }
}

/// Reads an enumeration written as a string. `Ok(None)` for null; otherwise the matching
/// variant, or `Unsupported value` listing `supported` (in Kubernetes' order).
fn enumeration<E: Error, T: Copy>(
    value: Value,
    variants: &[(&str, T)],
    supported: &[&str],
) -> Result<Option<(String, Option<T>)>, E> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => {
            let found = variants
                .iter()
                .find(|(name, _)| *name == s)
                .map(|(_, v)| *v);
            Ok(Some((s, found)))
        }
        other => Err(E::custom(format!(
            "Unsupported value: {}: supported values: {}",
            describe(&other),
            quoted_list(supported)
        ))),
    }
}

/// `"A", "B"` as Kubernetes lists supported values.
pub fn quoted_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unsupported<E: Error>(value: &str, supported: &[&str]) -> E {
    E::custom(format!(
        "Unsupported value: {value:?}: supported values: {}",
        quoted_list(supported)
    ))
}

/// `restartPolicy`. An empty string reads as unset, which Job validation then reports as
/// `Required value` (the API server defaults it to `Always` and rejects that).
pub fn opt_restart_policy<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<RestartPolicy>, D::Error> {
    const VARIANTS: &[(&str, RestartPolicy)] = &[
        ("Always", RestartPolicy::Always),
        ("OnFailure", RestartPolicy::OnFailure),
        ("Never", RestartPolicy::Never),
    ];
    match enumeration::<D::Error, _>(Value::deserialize(d)?, VARIANTS, &["OnFailure", "Never"])? {
        None => Ok(None),
        Some((s, _)) if s.is_empty() => Ok(None),
        Some((_, Some(v))) => Ok(Some(v)),
        Some((s, None)) => Err(unsupported(&s, &["OnFailure", "Never"])),
    }
}

pub fn opt_completion_mode<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<CompletionMode>, D::Error> {
    const VARIANTS: &[(&str, CompletionMode)] = &[
        ("NonIndexed", CompletionMode::NonIndexed),
        ("Indexed", CompletionMode::Indexed),
    ];
    const SUPPORTED: &[&str] = &["NonIndexed", "Indexed"];
    match enumeration::<D::Error, _>(Value::deserialize(d)?, VARIANTS, SUPPORTED)? {
        None => Ok(None),
        Some((_, Some(v))) => Ok(Some(v)),
        Some((s, None)) => Err(unsupported(&s, SUPPORTED)),
    }
}

pub fn opt_pod_replacement_policy<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<PodReplacementPolicy>, D::Error> {
    const VARIANTS: &[(&str, PodReplacementPolicy)] = &[
        ("Failed", PodReplacementPolicy::Failed),
        (
            "TerminatingOrFailed",
            PodReplacementPolicy::TerminatingOrFailed,
        ),
    ];
    const SUPPORTED: &[&str] = &["Failed", "TerminatingOrFailed"];
    match enumeration::<D::Error, _>(Value::deserialize(d)?, VARIANTS, SUPPORTED)? {
        None => Ok(None),
        Some((_, Some(v))) => Ok(Some(v)),
        Some((s, None)) => Err(unsupported(&s, SUPPORTED)),
    }
}

/// `concurrencyPolicy`. Defaulting turns an empty string into `Allow`, so it reads as unset.
pub fn opt_concurrency_policy<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<ConcurrencyPolicy>, D::Error> {
    const VARIANTS: &[(&str, ConcurrencyPolicy)] = &[
        ("Allow", ConcurrencyPolicy::Allow),
        ("Forbid", ConcurrencyPolicy::Forbid),
        ("Replace", ConcurrencyPolicy::Replace),
    ];
    const SUPPORTED: &[&str] = &["Allow", "Forbid", "Replace"];
    match enumeration::<D::Error, _>(Value::deserialize(d)?, VARIANTS, SUPPORTED)? {
        None => Ok(None),
        Some((s, _)) if s.is_empty() => Ok(None),
        Some((_, Some(v))) => Ok(Some(v)),
        Some((s, None)) => Err(unsupported(&s, SUPPORTED)),
    }
}

/// `podFailurePolicy.rules[].action` (required). Kubernetes lists the actions sorted.
pub fn pod_failure_policy_action<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<PodFailurePolicyAction, D::Error> {
    const VARIANTS: &[(&str, PodFailurePolicyAction)] = &[
        ("Count", PodFailurePolicyAction::Count),
        ("FailIndex", PodFailurePolicyAction::FailIndex),
        ("FailJob", PodFailurePolicyAction::FailJob),
        ("Ignore", PodFailurePolicyAction::Ignore),
    ];
    const SUPPORTED: &[&str] = &["Count", "FailIndex", "FailJob", "Ignore"];
    required(
        enumeration::<D::Error, _>(Value::deserialize(d)?, VARIANTS, SUPPORTED)?,
        SUPPORTED,
    )
}

/// `podFailurePolicy.rules[].onExitCodes.operator` (required).
pub fn exit_code_operator<'de, D: Deserializer<'de>>(d: D) -> Result<ExitCodeOperator, D::Error> {
    const VARIANTS: &[(&str, ExitCodeOperator)] = &[
        ("In", ExitCodeOperator::In),
        ("NotIn", ExitCodeOperator::NotIn),
    ];
    const SUPPORTED: &[&str] = &["In", "NotIn"];
    required(
        enumeration::<D::Error, _>(Value::deserialize(d)?, VARIANTS, SUPPORTED)?,
        SUPPORTED,
    )
}

fn required<E: Error, T>(read: Option<(String, Option<T>)>, supported: &[&str]) -> Result<T, E> {
    match read {
        Some((_, Some(v))) => Ok(v),
        Some((s, None)) if !s.is_empty() => Err(unsupported(&s, supported)),
        _ => Err(E::custom(format!(
            "Required value: valid values: [{}]",
            quoted_list(supported).replace(", ", " ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T>(f: fn(Value) -> Result<T, yaml_serde::Error>, yaml: &str) -> Result<T, String> {
        let v: Value = yaml_serde::from_str(yaml).map_err(|e| e.to_string())?;
        f(v).map_err(|e| e.to_string())
    }

    #[test]
    fn yaml_1_1_booleans_are_accepted_in_the_casings_go_yaml_knows() {
        for (text, want) in [
            ("yes", true),
            ("Yes", true),
            ("ON", true),
            ("y", true),
            ("true", true),
            ("no", false),
            ("Off", false),
            ("N", false),
            ("FALSE", false),
        ] {
            assert_eq!(read(opt_bool, text), Ok(Some(want)), "{text}");
        }
    }

    #[test]
    fn mixed_case_yaml_booleans_are_rejected_as_go_yaml_rejects_them() {
        let err = read(opt_bool, "yEs").unwrap_err();
        assert!(err.contains("must be a boolean"), "{err}");
    }

    #[test]
    fn quoted_integer_is_rejected_with_a_clear_message() {
        let err = read(opt_i32, "\"3\"").unwrap_err();
        assert!(
            err.starts_with("Invalid value: \"3\": must be an integer, not a string"),
            "{err}"
        );
    }

    #[test]
    fn int32_overflow_is_rejected() {
        let err = read(opt_i32, "3000000000").unwrap_err();
        assert!(err.contains("must fit in a 32-bit integer"), "{err}");
        assert_eq!(read(opt_i64, "3000000000"), Ok(Some(3_000_000_000)));
    }

    #[test]
    fn fractional_integer_is_rejected() {
        let err = read(opt_i32, "2.5").unwrap_err();
        assert!(err.contains("must be a whole number"), "{err}");
    }

    #[test]
    fn unknown_restart_policy_is_unsupported_in_kubernetes_words() {
        let err = read(opt_restart_policy, "Sometimes").unwrap_err();
        assert_eq!(
            err,
            "Unsupported value: \"Sometimes\": supported values: \"OnFailure\", \"Never\""
        );
    }

    #[test]
    fn empty_action_is_required() {
        let err = read(pod_failure_policy_action, "\"\"").unwrap_err();
        assert_eq!(
            err,
            "Required value: valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]"
        );
    }
}
