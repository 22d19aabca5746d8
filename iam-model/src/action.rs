//! Actions and action patterns (`s3:GetObject`, `iam:*AccessKey*`, `*`).

use std::fmt;

/// An action or action pattern as written in a policy.
///
/// Any string converts into an `Action`, so a policy read from JSON keeps exactly what was written;
/// whether it is well formed is the validator's business ([`Action::parts`] answers it). Actions
/// built with the `action!` macro are checked against the service catalog at compile time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Action(String);

impl Action {
    /// The action as written.
    pub fn new(text: impl Into<String>) -> Self {
        Action(text.into())
    }

    /// The action as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the bare `*`, which matches every action of every service.
    pub fn is_any(&self) -> bool {
        self.0 == "*"
    }

    /// True when the action contains `*` or `?`.
    pub fn is_pattern(&self) -> bool {
        crate::scan::has_wildcard(&self.0)
    }

    /// The service prefix and the action name, when the action is `prefix:name` with a non-empty
    /// prefix, a non-empty name and no whitespace.
    pub fn parts(&self) -> Option<(&str, &str)> {
        let (service, name) = self.0.split_once(':')?;
        // Bytes, not chars: every allowed character is ASCII, and no byte of a multi-byte
        // character is.
        let well_formed = |s: &str| {
            !s.is_empty()
                && s.bytes().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'*' | b'?' | b'.')
                })
        };
        (well_formed(service) && well_formed(name)).then_some((service, name))
    }

    /// Whether this action (a pattern or a name) matches the concrete action `other`,
    /// case-insensitively as IAM matches actions.
    pub fn matches(&self, other: &str) -> bool {
        glob_match_ci(&self.0, other)
    }

    /// The action lowercased: IAM compares actions case-insensitively.
    pub fn normalized(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Action {
    fn from(s: &str) -> Self {
        Action(s.to_owned())
    }
}

impl From<String> for Action {
    fn from(s: String) -> Self {
        Action(s)
    }
}

impl From<&Action> for Action {
    fn from(a: &Action) -> Self {
        a.clone()
    }
}

/// IAM's glob: `*` matches any run of characters (including none), `?` exactly one;
/// ASCII case is ignored. Runs in O(pattern × text) without recursion.
pub fn glob_match_ci(pattern: &str, text: &str) -> bool {
    glob_match_impl(pattern, text, true)
}

/// Like [`glob_match_ci`] but case-sensitive, as IAM matches ARNs.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    glob_match_impl(pattern, text, false)
}

fn glob_match_impl(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // Actions and ARNs are almost always ASCII: match bytes then, without decoding.
    if pattern.is_ascii() && text.is_ascii() {
        let eq = |a: &u8, b: &u8| {
            if ignore_case {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        return glob_slices(pattern.as_bytes(), text.as_bytes(), eq, b'*', b'?');
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: &char, b: &char| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    glob_slices(&p, &t, eq, '*', '?')
}

fn glob_slices<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    eq: impl Fn(&T, &T) -> bool,
    many: T,
    one: T,
) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where the last `*` was in the pattern, and how much of the text it has swallowed.
    let mut star: Option<(usize, usize)> = None;
    while let Some(tc) = t.get(ti) {
        match p.get(pi) {
            Some(&c) if c == many => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == one || eq(c, tc) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_format() {
        assert_eq!(
            Action::from("s3:GetObject").parts(),
            Some(("s3", "GetObject"))
        );
        assert_eq!(
            Action::from("iam:*AccessKey*").parts(),
            Some(("iam", "*AccessKey*"))
        );
        assert_eq!(Action::from("s3GetObject").parts(), None);
        assert_eq!(Action::from("s3:").parts(), None);
        assert_eq!(Action::from(":Get").parts(), None);
        assert_eq!(Action::from("s3:Get Object").parts(), None);
        assert!(Action::from("*").is_any());
    }

    #[test]
    fn glob() {
        assert!(glob_match_ci("s3:Get*", "S3:getobject"));
        assert!(glob_match_ci("iam:*AccessKey*", "iam:CreateAccessKey"));
        assert!(glob_match_ci("s3:?etObject", "s3:GetObject"));
        assert!(!glob_match_ci("s3:Get*", "s3:PutObject"));
        assert!(glob_match_ci("*", ""));
        assert!(!glob_match("arn:aws:s3:::A*", "arn:aws:s3:::abc"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
    }
}
