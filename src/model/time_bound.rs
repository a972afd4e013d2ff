//! [`TimeBound`]: the `since` and `before` of the account audit logs.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// A moment the account audit logs filter on: a calendar date or an exact time.
///
/// Cloudflare accepts either an RFC 3339 full-date (`2019-04-30`) or date-time
/// (`2019-04-30T01:12:20Z`). Times go on the wire in UTC with as many fractional digits as they
/// carry, so sub-second high-water marks survive the trip.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use cloudflare_audit_logs::TimeBound;
///
/// let date = TimeBound::from(NaiveDate::from_ymd_opt(2019, 4, 30).unwrap());
/// assert_eq!(date.to_string(), "2019-04-30");
/// let time = TimeBound::from(Utc.with_ymd_and_hms(2019, 4, 30, 1, 12, 20).unwrap());
/// assert_eq!(time.to_string(), "2019-04-30T01:12:20Z");
/// assert_eq!("2019-04-30".parse::<TimeBound>()?, date);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeBound {
    /// A calendar date.
    Date(NaiveDate),
    /// An exact moment.
    DateTime(DateTime<Utc>),
}

impl TimeBound {
    /// The moment the bound starts: the date-time itself, or a date's midnight in UTC (how
    /// Audit Logs v2 read a full-date, and how a date is sent where only a date-time is taken).
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use cloudflare_audit_logs::TimeBound;
    ///
    /// let date = TimeBound::from(NaiveDate::from_ymd_opt(2019, 4, 30).unwrap());
    /// assert_eq!(date.start(), Utc.with_ymd_and_hms(2019, 4, 30, 0, 0, 0).unwrap());
    /// ```
    pub fn start(&self) -> DateTime<Utc> {
        match self {
            TimeBound::Date(date) => date.and_time(chrono::NaiveTime::MIN).and_utc(),
            TimeBound::DateTime(time) => *time,
        }
    }
}

/// A bound as the date-time a date-time-only parameter takes: [`TimeBound::start`].
impl From<TimeBound> for DateTime<Utc> {
    fn from(value: TimeBound) -> Self {
        value.start()
    }
}

impl From<NaiveDate> for TimeBound {
    fn from(value: NaiveDate) -> Self {
        TimeBound::Date(value)
    }
}

impl From<DateTime<Utc>> for TimeBound {
    fn from(value: DateTime<Utc>) -> Self {
        TimeBound::DateTime(value)
    }
}

impl fmt::Display for TimeBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeBound::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            TimeBound::DateTime(time) => {
                f.write_str(&time.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            }
        }
    }
}

impl FromStr for TimeBound {
    type Err = chrono::ParseError;

    /// Reads an RFC 3339 date-time (any offset, kept as UTC) or a full-date.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match DateTime::parse_from_rfc3339(value) {
            Ok(time) => Ok(TimeBound::DateTime(time.with_timezone(&Utc))),
            Err(time_error) => NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(TimeBound::Date)
                .map_err(|_| time_error),
        }
    }
}

impl serde::Serialize for TimeBound {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for TimeBound {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// On the wire a bound is one string: a full-date or a date-time.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for TimeBound {
    fn schema_name() -> String {
        "TimeBound".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, SchemaObject, SubschemaValidation};
        let string = |format: &str| {
            schemars::schema::Schema::Object(SchemaObject {
                instance_type: Some(InstanceType::String.into()),
                format: Some(format.into()),
                ..SchemaObject::default()
            })
        };
        schemars::schema::Schema::Object(SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some("An RFC 3339 full-date or date-time.".into()),
                ..Metadata::default()
            })),
            subschemas: Some(Box::new(SubschemaValidation {
                one_of: Some(vec![string("date"), string("date-time")]),
                ..SubschemaValidation::default()
            })),
            ..SchemaObject::default()
        })
    }
}
