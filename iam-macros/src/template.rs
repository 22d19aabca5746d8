//! Placeholders in string literals: `{partition}`, `{region}`, `{account}`, `{account:KEY}`.
//!
//! `arn!("arn:{partition}:iam::{account}:role/sym/*")` and the strings of `policy!` may name
//! the late-bound values of `iam_model::LateBound` this way. The syntax is chosen so that it can
//! never be read as an IAM policy variable: a variable starts with `$` (`${aws:username}`) and
//! passes through untouched, braces included. `{{` and `}}` write literal braces.

use proc_macro2::TokenStream;
use quote::quote;

/// The placeholders, for messages and suggestions.
pub(crate) const PLACEHOLDERS: &[&str] = &["partition", "region", "account", "account:KEY"];

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Lit(String),
    Partition,
    Region,
    /// `{account}` (`None`) or `{account:KEY}`.
    Account(Option<String>),
}

/// A parsed string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub segs: Vec<Seg>,
}

/// Why a template does not parse: the message and a help line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError {
    pub message: String,
    pub help: String,
}

impl Template {
    /// Parses `s`.
    pub(crate) fn parse(s: &str) -> Result<Template, TemplateError> {
        let mut segs: Vec<Seg> = Vec::new();
        let mut lit = String::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if rest.starts_with("${") {
                // An IAM policy variable: copied as written, up to its closing brace.
                let end = rest.find('}').map_or(rest.len(), |i| i + 1);
                lit.push_str(rest.get(..end).unwrap_or(rest));
                rest = rest.get(end..).unwrap_or("");
            } else if rest.starts_with("{{") || rest.starts_with("}}") {
                lit.push(c);
                rest = rest.get(2..).unwrap_or("");
            } else if c == '{' {
                let Some(close) = rest.find('}') else {
                    return Err(TemplateError {
                        message: format!("unclosed `{{` in `{s}`"),
                        help:
                            "write `{{` for a literal brace, or close the placeholder: `{account}`"
                                .to_owned(),
                    });
                };
                let name = rest.get(1..close).unwrap_or("");
                let seg = match name {
                    "partition" => Seg::Partition,
                    "region" => Seg::Region,
                    "account" => Seg::Account(None),
                    n if n.starts_with("account:") && n.len() > "account:".len() => {
                        Seg::Account(Some(n.trim_start_matches("account:").to_owned()))
                    }
                    n => {
                        let help = crate::diag::did_you_mean(n, PLACEHOLDERS.iter().copied()).unwrap_or_else(|| {
                            "placeholders are `{partition}`, `{region}`, `{account}` and `{account:KEY}`; an IAM policy variable is written `${...}`".to_owned()
                        });
                        return Err(TemplateError {
                            message: format!("unknown placeholder `{{{n}}}`"),
                            help,
                        });
                    }
                };
                if !lit.is_empty() {
                    segs.push(Seg::Lit(std::mem::take(&mut lit)));
                }
                segs.push(seg);
                rest = rest.get(close + 1..).unwrap_or("");
            } else {
                lit.push(c);
                rest = rest.get(c.len_utf8()..).unwrap_or("");
            }
        }
        if !lit.is_empty() || segs.is_empty() {
            segs.push(Seg::Lit(lit));
        }
        Ok(Template { segs })
    }

    /// The literal text, when there is no placeholder.
    pub(crate) fn literal(&self) -> Option<&str> {
        match self.segs.as_slice() {
            [Seg::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// The template as an `iam_model::Text`, for validation at compile time.
    pub(crate) fn to_text(&self) -> iam_model::Text {
        let mut t = iam_model::Text::new();
        for seg in &self.segs {
            match seg {
                Seg::Lit(s) => t.push(s.as_str()),
                Seg::Partition => t.push(iam_model::LateBound::Partition),
                Seg::Region => t.push(iam_model::LateBound::Region),
                Seg::Account(None) => t.push(iam_model::LateBound::current_account()),
                Seg::Account(Some(k)) => t.push(iam_model::LateBound::account(k.as_str())),
            }
        }
        t
    }

    /// Code that builds the `::iam_model::Text`.
    pub(crate) fn text_tokens(&self) -> TokenStream {
        if let Some(lit) = self.literal() {
            return quote!(::iam_model::Text::literal(#lit));
        }
        let parts = self.segs.iter().map(|seg| match seg {
            Seg::Lit(s) => quote!(.then(#s)),
            Seg::Partition => quote!(.then(::iam_model::LateBound::Partition)),
            Seg::Region => quote!(.then(::iam_model::LateBound::Region)),
            Seg::Account(None) => quote!(.then(::iam_model::LateBound::current_account())),
            Seg::Account(Some(k)) => quote!(.then(::iam_model::LateBound::account(#k))),
        });
        quote!(::iam_model::Text::new() #(#parts)*)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_policy_variables() {
        let t =
            Template::parse("arn:{partition}:iam::{account}:role/${aws:username}/{{x}}").unwrap();
        assert_eq!(
            t.segs,
            vec![
                Seg::Lit("arn:".into()),
                Seg::Partition,
                Seg::Lit(":iam::".into()),
                Seg::Account(None),
                Seg::Lit(":role/${aws:username}/{x}".into()),
            ]
        );
        assert_eq!(
            t.to_text().to_string(),
            "arn:{{partition}}:iam::{{account_id}}:role/${aws:username}/{x}"
        );
        let k = Template::parse("{account:security}").unwrap();
        assert_eq!(k.segs, vec![Seg::Account(Some("security".into()))]);
        assert_eq!(Template::parse("").unwrap().literal(), Some(""));
        assert_eq!(Template::parse("plain").unwrap().literal(), Some("plain"));
    }

    #[test]
    fn errors() {
        let e = Template::parse("arn:{partiton}:s3:::b").unwrap_err();
        assert_eq!(e.message, "unknown placeholder `{partiton}`");
        assert_eq!(e.help, "did you mean `partition`?");
        let e = Template::parse("arn:{aws:username}").unwrap_err();
        assert!(e.help.contains("`${...}`"), "{}", e.help);
        assert_eq!(
            Template::parse("a{b").unwrap_err().message,
            "unclosed `{` in `a{b`"
        );
    }

    #[test]
    fn tokens() {
        let t = Template::parse("arn:{partition}:s3:::b").unwrap();
        assert_eq!(
            t.text_tokens().to_string(),
            quote!(::iam_model::Text::new()
                .then("arn:")
                .then(::iam_model::LateBound::Partition)
                .then(":s3:::b"))
            .to_string()
        );
    }
}
