//! A config file's mistakes in its own terms: the budget and its two forms, and a "did you
//! mean" for a key that is a near miss of one the table takes.

use serde::{Deserialize, Deserializer};

/// The budget as the file says it: `"1200/5m"` or `"none"`, or a table (read below,
/// naming the forms when it is neither).
#[derive(Debug)]
pub enum BudgetConfig {
    Text(String),
    Table(Budget),
}

/// Requests per window, spread evenly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub requests: u32,
    pub per: String,
}

/// Reads `budget = "1200/5m"` (or `"none"`) or a `[budget]` table of `requests` and `per`,
/// naming the key and the forms when it is neither.
impl<'de> Deserialize<'de> for BudgetConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        const FORMS: &str = "the budget is `budget = \"1200/5m\"` (or \"none\"), or a [budget] \
                             table with `requests` (a number) and `per` (a duration, \"5m\")";
        match toml::Value::deserialize(d)? {
            toml::Value::String(text) => Ok(BudgetConfig::Text(text)),
            toml::Value::Table(table) => {
                if let Some(key) = table
                    .keys()
                    .find(|k| !["requests", "per"].contains(&k.as_str()))
                {
                    let hint = did_you_mean(key, &["requests", "per"])
                        .map(|k| format!(" (did you mean `{k}`?)"))
                        .unwrap_or_default();
                    return Err(D::Error::custom(format!(
                        "[budget] has no key `{key}`{hint}: {FORMS}"
                    )));
                }
                Budget::deserialize(toml::Value::Table(table))
                    .map(BudgetConfig::Table)
                    .map_err(|e| D::Error::custom(format!("[budget]: {}; {FORMS}", e.message())))
            }
            other => Err(D::Error::custom(format!(
                "budget is a {}: {FORMS}",
                other.type_str()
            ))),
        }
    }
}

/// A parse error of the config, with a "did you mean" when it names an unknown key that is a
/// near miss of one the table takes (toml says `unknown field `x`, expected one of ...`).
pub fn explained(error: toml::de::Error) -> String {
    let message = error.to_string();
    let Some(rest) = message.split("unknown field `").nth(1) else {
        return message;
    };
    let Some((key, expected)) = rest.split_once('`') else {
        return message;
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match did_you_mean(key, &candidates) {
        Some(near) => format!("{}\ndid you mean `{near}`?", message.trim_end()),
        None => message,
    }
}

/// The candidate closest to `word` when it is a near miss: at most two edits, and fewer than
/// half the word.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edits(word, c), *c))
        .filter(|(n, _)| *n <= 2 && *n * 2 < word.chars().count().max(2))
        .min_by_key(|(n, _)| *n)
        .map(|(_, c)| c)
}

/// The Levenshtein distance between two words.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn near_misses_and_far_ones() {
        assert_eq!(
            did_you_mean("reqests", &["requests", "per"]),
            Some("requests")
        );
        assert_eq!(
            did_you_mean("per_pag", &["per_page", "format"]),
            Some("per_page")
        );
        assert_eq!(did_you_mean("colour", &["requests", "per"]), None);
        assert_eq!(did_you_mean("pr", &["per"]), None);
    }
}
