//! Provider logs as JSON lines on stderr, in the shape the Terraform host understands.
//!
//! The host reads a plugin's stderr line by line. A JSON object with `@level`,
//! `@message` and `@timestamp` keeps its level and its other keys become structured
//! fields in Terraform's own log; anything else is shown as a debug line. The host
//! parses `@timestamp` with a fixed six-digit fraction, so that format is required.
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`; warnings and errors are
//! written when neither is set.

use std::fmt::{self, Write as _};
use std::io::Write;

use serde_json::{Map, Value as Json};
use time::OffsetDateTime;
use time::macros::format_description;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Crates whose debug output is wire-level noise; they are capped at `info`.
const NOISY_TARGETS: &[&str] = &[
    "h2",
    "hyper",
    "hyper_util",
    "reqwest",
    "tower",
    "tonic",
    "rustls",
    "tokio_rustls",
];

/// Installs the global JSON-to-stderr subscriber; does nothing if one is already set.
pub fn init(module: &str) {
    let level = level_from_env(|key| std::env::var(key).ok());
    let layer = HostJsonLayer::new(module, std::io::stderr).with_filter(filter(level));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// The level asked for by `TF_LOG_PROVIDER` or `TF_LOG`, read through `lookup`.
pub fn level_from_env(lookup: impl Fn(&str) -> Option<String>) -> LevelFilter {
    let setting = ["TF_LOG_PROVIDER", "TF_LOG"]
        .iter()
        .filter_map(|key| lookup(key))
        .find(|value| !value.trim().is_empty());
    match setting.map(|v| v.trim().to_ascii_uppercase()).as_deref() {
        Some("TRACE" | "JSON") => LevelFilter::TRACE,
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("INFO") => LevelFilter::INFO,
        Some("ERROR" | "OFF") => LevelFilter::ERROR,
        // WARN, unset, or a value Terraform would not recognise either.
        _ => LevelFilter::WARN,
    }
}

fn filter(level: LevelFilter) -> Targets {
    NOISY_TARGETS
        .iter()
        .fold(Targets::new().with_default(level), |targets, target| {
            targets.with_target(*target, level.min(LevelFilter::INFO))
        })
}

/// A layer writing each event as one host-style JSON line.
pub struct HostJsonLayer<W> {
    module: String,
    make_writer: W,
}

impl<W> HostJsonLayer<W> {
    /// A layer tagging lines with `module` (such as `provider.example`) and writing to `make_writer`.
    pub fn new(module: &str, make_writer: W) -> Self {
        Self {
            module: module.to_owned(),
            make_writer,
        }
    }
}

impl<S, W> Layer<S> for HostJsonLayer<W>
where
    S: Subscriber,
    W: for<'a> MakeWriter<'a> + 'static,
{
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let line = format_line(&self.module, event, OffsetDateTime::now_utc());
        // A log line that cannot be written has nowhere else to go.
        let _ = self.make_writer.make_writer().write_all(line.as_bytes());
    }
}

fn format_line(module: &str, event: &Event<'_>, now: OffsetDateTime) -> String {
    let mut fields = FieldCollector::default();
    event.record(&mut fields);

    let mut object = fields.fields;
    object.insert(
        "@level".into(),
        level_name(*event.metadata().level()).into(),
    );
    object.insert("@message".into(), fields.message.into());
    object.insert("@module".into(), module.into());
    object.insert("@timestamp".into(), timestamp(now).into());
    let mut line = Json::Object(object).to_string();
    line.push('\n');
    line
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// RFC 3339 in UTC with exactly six fractional digits, the layout the host parses.
fn timestamp(now: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    now.format(&format).unwrap_or_default()
}

/// Gathers an event's message and fields as JSON.
#[derive(Default)]
struct FieldCollector {
    message: String,
    fields: Map<String, Json>,
}

impl FieldCollector {
    fn insert(&mut self, field: &Field, value: Json) {
        if field.name() == "message" {
            self.message = match value {
                Json::String(s) => s,
                other => other.to_string(),
            };
        } else {
            self.fields.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for FieldCollector {
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, value.into());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.insert(field, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, value.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        self.insert(field, text.into());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    fn capture(level: LevelFilter, emit: impl FnOnce()) -> Vec<Json> {
        let buffer = Buffer::default();
        let layer = HostJsonLayer::new("provider.demo", buffer.clone()).with_filter(filter(level));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, emit);
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn events_become_host_json_lines() {
        let lines = capture(LevelFilter::DEBUG, || {
            tracing::info!(user_id = 42, name = "PCU-abc", done = true, "user created");
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["@level"], "info");
        assert_eq!(line["@message"], "user created");
        assert_eq!(line["@module"], "provider.demo");
        assert_eq!(line["user_id"], 42);
        assert_eq!(line["name"], "PCU-abc");
        assert_eq!(line["done"], true);
    }

    #[test]
    fn events_below_the_level_are_dropped() {
        let lines = capture(LevelFilter::WARN, || {
            tracing::info!("hidden");
            tracing::warn!("shown");
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["@level"], "warn");
    }

    #[test]
    fn timestamp_has_six_fraction_digits() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(timestamp(at), "2023-11-14T22:13:20.123456Z");
    }

    #[test]
    fn provider_level_wins_over_global_level() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(level_from_env(env(&[])), LevelFilter::WARN);
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "debug")])),
            LevelFilter::DEBUG
        );
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "JSON")])),
            LevelFilter::TRACE
        );
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "off")])),
            LevelFilter::ERROR
        );
        let both = env(&[("TF_LOG", "trace"), ("TF_LOG_PROVIDER", "INFO")]);
        assert_eq!(level_from_env(both), LevelFilter::INFO);
    }
}
