//! Diagnostics: the errors and warnings a provider hands back to Terraform.
//!
//! Terraform never sees a Rust error. Every call answers with a list of diagnostics, each a
//! short summary, a longer detail, and optionally the attribute path that caused it so the
//! host can underline the offending line of configuration. An attribute path is a list of
//! steps from the root of an object: attribute names, map keys and list or set indexes.

use std::fmt;

use magma_protocol::tfplugin6 as proto;
use proto::attribute_path::step::Selector;

/// One step of an [`AttributePath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object attribute or nested block, by name.
    Attr(String),
    /// A map element, by key.
    Key(String),
    /// A list, set or tuple element, by position.
    Index(i64),
}

/// The location of a value inside an object, from its root.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AttributePath(pub Vec<PathStep>);

impl AttributePath {
    /// A path naming one top-level attribute.
    pub fn root(attr: &str) -> Self {
        Self(vec![PathStep::Attr(attr.to_owned())])
    }

    /// This path extended by an attribute name.
    pub fn attr(mut self, a: &str) -> Self {
        self.0.push(PathStep::Attr(a.to_owned()));
        self
    }

    /// This path extended by a map key.
    pub fn key(mut self, k: &str) -> Self {
        self.0.push(PathStep::Key(k.to_owned()));
        self
    }

    /// This path extended by an element index.
    pub fn index(mut self, i: i64) -> Self {
        self.0.push(PathStep::Index(i));
        self
    }

    /// Whether the path has no steps, i.e. names the whole value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The wire form of this path.
    pub fn to_proto(&self) -> proto::AttributePath {
        let steps = self
            .0
            .iter()
            .map(|step| proto::attribute_path::Step {
                selector: Some(match step {
                    PathStep::Attr(a) => Selector::AttributeName(a.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect();
        proto::AttributePath { steps }
    }

    /// A path read from the wire; steps without a selector carry no location and are skipped.
    pub fn from_proto(p: &proto::AttributePath) -> Self {
        let steps = p
            .steps
            .iter()
            .filter_map(|step| match step.selector.as_ref()? {
                Selector::AttributeName(a) => Some(PathStep::Attr(a.clone())),
                Selector::ElementKeyString(k) => Some(PathStep::Key(k.clone())),
                Selector::ElementKeyInt(i) => Some(PathStep::Index(*i)),
            })
            .collect();
        Self(steps)
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(a) if n == 0 => f.write_str(a)?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                // JSON quoting escapes quotes and control characters the way HCL would show them.
                PathStep::Key(k) => {
                    let quoted = serde_json::to_string(k).map_err(|_| fmt::Error)?;
                    write!(f, "[{quoted}]")?
                }
                PathStep::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation went through, but the user should know something.
    Warning,
}

/// One error or warning for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A short sentence naming what went wrong.
    pub summary: String,
    /// What happened and what the user can do about it.
    pub detail: String,
    /// The configuration attribute at fault, when there is one.
    pub attribute: Option<AttributePath>,
}

impl Diagnostic {
    /// An error diagnostic without an attribute.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    /// A warning diagnostic without an attribute.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(summary, detail)
        }
    }

    /// This diagnostic pointed at an attribute.
    pub fn with_attribute(mut self, p: AttributePath) -> Self {
        self.attribute = Some(p);
        self
    }

    /// The wire form of this diagnostic.
    pub fn to_proto(&self) -> proto::Diagnostic {
        let severity = match self.severity {
            Severity::Error => proto::diagnostic::Severity::Error,
            Severity::Warning => proto::diagnostic::Severity::Warning,
        };
        proto::Diagnostic {
            severity: severity as i32,
            summary: self.summary.clone(),
            detail: self.detail.clone(),
            // An empty path would make Terraform point at the whole block; leave it out instead.
            attribute: self
                .attribute
                .as_ref()
                .filter(|p| !p.is_empty())
                .map(AttributePath::to_proto),
        }
    }
}

/// The diagnostics one call gathers, in the order they were raised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds an error without an attribute.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::error(summary, detail));
    }

    /// Adds a warning without an attribute.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::warning(summary, detail));
    }

    /// Adds an error pointing at an attribute.
    pub fn attribute_error(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic::error(summary, detail).with_attribute(path));
    }

    /// Adds a warning pointing at an attribute.
    pub fn attribute_warning(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic::warning(summary, detail).with_attribute(path));
    }

    /// Adds an error for a value that could not be read or written, at the value's path.
    pub fn value_error(&mut self, summary: impl Into<String>, err: &crate::value::ValueError) {
        let d = Diagnostic::error(summary, err.message());
        self.push(d.with_attribute(err.path().clone()));
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds all diagnostics of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Whether there is no diagnostic at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates over the diagnostics.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The wire form of all diagnostics.
    pub fn to_proto(&self) -> Vec<proto::Diagnostic> {
        self.0.iter().map(Diagnostic::to_proto).collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_round_trips_through_proto() {
        let path = AttributePath::root("timeouts")
            .attr("create")
            .key("a\"b")
            .index(3);
        let wire = path.to_proto();

        assert_eq!(wire.steps.len(), 4);
        assert_eq!(
            wire.steps[2].selector,
            Some(Selector::ElementKeyString("a\"b".into()))
        );
        assert_eq!(wire.steps[3].selector, Some(Selector::ElementKeyInt(3)));
        assert_eq!(AttributePath::from_proto(&wire), path);
    }

    #[test]
    fn path_from_proto_skips_empty_steps() {
        let wire = proto::AttributePath {
            steps: vec![
                proto::attribute_path::Step { selector: None },
                proto::attribute_path::Step {
                    selector: Some(Selector::AttributeName("name".into())),
                },
            ],
        };

        assert_eq!(
            AttributePath::from_proto(&wire),
            AttributePath::root("name")
        );
    }

    #[test]
    fn path_displays_like_hcl() {
        assert_eq!(
            AttributePath::root("timeouts").attr("create").to_string(),
            "timeouts.create"
        );
        assert_eq!(
            AttributePath::root("tags").key("x").to_string(),
            "tags[\"x\"]"
        );
        assert_eq!(AttributePath::root("list").index(0).to_string(), "list[0]");
        assert_eq!(AttributePath::default().to_string(), "");
    }

    #[test]
    fn diagnostics_track_errors_and_encode_severity() {
        let mut diags = Diagnostics::default();
        assert!(diags.is_empty());

        diags.warning("Deprecated", "use something else");
        assert!(!diags.has_errors());

        diags.attribute_error(AttributePath::root("name"), "Invalid name", "too long");
        assert!(diags.has_errors());

        let wire = diags.to_proto();
        assert_eq!(
            wire[0].severity,
            proto::diagnostic::Severity::Warning as i32
        );
        assert_eq!(wire[0].attribute, None);
        assert_eq!(wire[1].severity, proto::diagnostic::Severity::Error as i32);
        assert_eq!(wire[1].summary, "Invalid name");
        assert_eq!(wire[1].detail, "too long");
        assert_eq!(
            wire[1].attribute.as_ref().map(AttributePath::from_proto),
            Some(AttributePath::root("name"))
        );
    }

    #[test]
    fn extend_keeps_order() {
        let mut first = Diagnostics::from(Diagnostic::error("a", ""));
        let mut second = Diagnostics::default();
        second.warning("b", "");
        first.extend(second);

        let summaries: Vec<_> = first.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(summaries, ["a", "b"]);
    }
}
