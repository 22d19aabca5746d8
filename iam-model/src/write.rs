//! The canonical JSON form of a policy: deterministic, in AWS's element order.
//!
//! Elements come in the order `Version`, `Id`, `Statement`; within a statement `Sid`, `Effect`,
//! `Principal`/`NotPrincipal`, `Action`/`NotAction`, `Resource`/`NotResource`, `Condition`.
//! Principal kinds come in the order `AWS`, `Service`, `Federated`, `CanonicalUser`. Lists keep
//! the order they were written in, and a one-element list is written as its element (the form
//! Terraform's `aws_iam_policy_document` writes, and the shortest against IAM's size quotas).
//! `Statement` is always a list.

use std::borrow::Cow;

use crate::condition::{Condition, ConditionValue};
use crate::policy::PolicyDocument;
use crate::principal::Principal;
use crate::statement::{PrincipalClause, Statement};
use crate::text::{LiteralOnly, PlaceholderResolver, Resolver, Segment, Text, UnresolvedError};

/// Compact (no whitespace) or pretty (two-space indented) output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonStyle {
    /// No whitespace at all: what IAM counts against its quotas.
    #[default]
    Compact,
    /// Two-space indentation, one element per line.
    Pretty,
}

/// How string contents are written: late-bound values are resolved, and literal text may be
/// escaped for the target (Terraform doubles `${` and `%{`).
pub trait TextWriter {
    /// Writes an already JSON-escaped literal piece.
    fn literal(&self, json_escaped: &str, out: &mut String) {
        out.push_str(json_escaped);
    }

    /// Writes a late-bound value (the returned text is JSON-escaped by the caller).
    fn late(&self, late: &crate::text::LateBound) -> Result<Cow<'_, str>, UnresolvedError>;
}

impl<R: Resolver + ?Sized> TextWriter for R {
    fn late(&self, late: &crate::text::LateBound) -> Result<Cow<'_, str>, UnresolvedError> {
        self.resolve(late)
    }
}

impl PolicyDocument {
    /// The canonical compact JSON. Fails when a value is late-bound.
    pub fn to_json_compact(&self) -> Result<String, UnresolvedError> {
        self.render(&LiteralOnly, JsonStyle::Compact)
    }

    /// The canonical pretty JSON. Fails when a value is late-bound.
    pub fn to_json_pretty(&self) -> Result<String, UnresolvedError> {
        self.render(&LiteralOnly, JsonStyle::Pretty)
    }

    /// The canonical JSON with late-bound values written by `writer`.
    pub fn render<W: TextWriter + ?Sized>(
        &self,
        writer: &W,
        style: JsonStyle,
    ) -> Result<String, UnresolvedError> {
        let mut w = Writer {
            out: String::with_capacity(512),
            style,
            depth: 0,
            text: writer,
        };
        w.document(self)?;
        Ok(w.out)
    }

    /// The size IAM counts against its quotas: the characters of the compact form, late-bound
    /// values measured by their placeholders.
    pub fn size(&self) -> usize {
        self.render(&PlaceholderResolver, JsonStyle::Compact)
            .map(|s| s.chars().count())
            .unwrap_or(0)
    }
}

struct Writer<'w, W: TextWriter + ?Sized> {
    out: String,
    style: JsonStyle,
    depth: usize,
    text: &'w W,
}

impl<W: TextWriter + ?Sized> Writer<'_, W> {
    fn newline(&mut self) {
        if self.style == JsonStyle::Pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn open(&mut self, c: char) {
        self.out.push(c);
        self.depth += 1;
    }

    fn close(&mut self, c: char) {
        self.depth = self.depth.saturating_sub(1);
        self.newline();
        self.out.push(c);
    }

    fn key(&mut self, first: &mut bool, key: &str) {
        if !*first {
            self.out.push(',');
        }
        *first = false;
        self.newline();
        self.out.push('"');
        // Keys are literal text too (condition keys, operators): a target that escapes
        // literals (Terraform's `${`) must see them.
        let mut buf = String::new();
        escape_into(key, &mut buf);
        self.text.literal(&buf, &mut self.out);
        self.out.push_str(if self.style == JsonStyle::Pretty {
            "\": "
        } else {
            "\":"
        });
    }

    fn raw_string(&mut self, s: &str) {
        self.out.push('"');
        let mut buf = String::new();
        escape_into(s, &mut buf);
        self.text.literal(&buf, &mut self.out);
        self.out.push('"');
    }

    fn text(&mut self, t: &Text) -> Result<(), UnresolvedError> {
        self.out.push('"');
        let mut buf = String::new();
        for seg in t.segments() {
            buf.clear();
            match seg {
                Segment::Literal(s) => {
                    escape_into(s, &mut buf);
                    self.text.literal(&buf, &mut self.out);
                }
                Segment::Late(l) => {
                    let v = self.text.late(l)?;
                    escape_into(&v, &mut self.out);
                }
            }
        }
        self.out.push('"');
        Ok(())
    }

    fn list<T>(
        &mut self,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T) -> Result<(), UnresolvedError>,
    ) -> Result<(), UnresolvedError> {
        if let [one] = items {
            return each(self, one);
        }
        if items.is_empty() {
            self.out.push_str("[]");
            return Ok(());
        }
        self.open('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.newline();
            each(self, item)?;
        }
        self.close(']');
        Ok(())
    }

    fn document(&mut self, doc: &PolicyDocument) -> Result<(), UnresolvedError> {
        self.open('{');
        let mut first = true;
        if let Some(v) = doc.version {
            self.key(&mut first, "Version");
            self.raw_string(v.as_str());
        }
        if let Some(id) = &doc.id {
            self.key(&mut first, "Id");
            self.raw_string(id);
        }
        self.key(&mut first, "Statement");
        if doc.statements.is_empty() {
            self.out.push_str("[]");
        } else {
            self.open('[');
            for (i, s) in doc.statements.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.newline();
                self.statement(s)?;
            }
            self.close(']');
        }
        self.close('}');
        Ok(())
    }

    fn statement(&mut self, s: &Statement) -> Result<(), UnresolvedError> {
        self.open('{');
        let mut first = true;
        if let Some(sid) = &s.sid {
            self.key(&mut first, "Sid");
            self.raw_string(sid);
        }
        self.key(&mut first, "Effect");
        self.raw_string(s.effect.as_str());
        if let Some(p) = &s.principal {
            self.key(&mut first, p.element());
            match p {
                PrincipalClause::Principal(p) | PrincipalClause::NotPrincipal(p) => {
                    self.principal(p)?
                }
            }
        }
        self.key(&mut first, s.action.element());
        self.list(s.action.actions(), |w, a| {
            w.raw_string(a.as_str());
            Ok(())
        })?;
        if let Some(r) = &s.resource {
            self.key(&mut first, r.element());
            self.list(r.resources(), |w, t| w.text(t))?;
        }
        if !s.condition.is_empty() {
            self.key(&mut first, "Condition");
            self.condition(&s.condition)?;
        }
        self.close('}');
        Ok(())
    }

    fn principal(&mut self, p: &Principal) -> Result<(), UnresolvedError> {
        match p {
            Principal::Any => {
                self.raw_string("*");
                Ok(())
            }
            Principal::Map(map) => {
                self.open('{');
                let mut first = true;
                for (kind, values) in map {
                    self.key(&mut first, kind.key());
                    self.list(values, |w, t| w.text(t))?;
                }
                self.close('}');
                Ok(())
            }
        }
    }

    fn condition(&mut self, c: &Condition) -> Result<(), UnresolvedError> {
        self.open('{');
        let mut first = true;
        for block in c.blocks() {
            self.key(&mut first, &block.operator.to_string());
            self.open('{');
            let mut first_key = true;
            for k in &block.keys {
                self.key(&mut first_key, &k.key);
                self.list(&k.values, |w, v| match v {
                    ConditionValue::String(t) => w.text(t),
                    ConditionValue::Bool(b) => {
                        w.out.push_str(if *b { "true" } else { "false" });
                        Ok(())
                    }
                    ConditionValue::Number(n) => {
                        w.out.push_str(n);
                        Ok(())
                    }
                })?;
            }
            self.close('}');
        }
        self.close('}');
        Ok(())
    }
}

/// Escapes `s` as the contents of a JSON string: `"` `\` and control characters; everything
/// else (including U+0080–U+00FF, which IAM allows) is written as is.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}
