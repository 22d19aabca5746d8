//! Sets of numeric, date and IP condition values, closed under complement and intersection.
//!
//! A request's value for a numeric, date or IP key is either something the operator can read
//! (a finite number, an epoch second, an address) or "junk" that every positive comparison
//! rejects. Each is a union of closed ranges over an ordered integer encoding, so emptiness
//! and a witness value are exact: numbers are encoded so that adjacent `f64`s are adjacent
//! integers (and `-0` is `0`), dates must be whole seconds, addresses are their integers.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::condition::{BaseOperator, OperatorFamily};
use crate::eval::{cidr, date, number, Cidr};

/// Sorted, disjoint, closed ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranges(Vec<(u128, u128)>);

impl Ranges {
    fn one(lo: u128, hi: u128) -> Ranges {
        Ranges(if lo <= hi { vec![(lo, hi)] } else { Vec::new() })
    }

    fn union(&self, o: &Ranges) -> Ranges {
        let mut all: Vec<(u128, u128)> = self.0.iter().chain(&o.0).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(u128, u128)> = Vec::new();
        for (lo, hi) in all {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        Ranges(out)
    }

    fn intersect(&self, o: &Ranges) -> Ranges {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            for &(c, d) in &o.0 {
                let (lo, hi) = (a.max(c), b.min(d));
                if lo <= hi {
                    out.push((lo, hi));
                }
            }
        }
        Ranges(out).union(&Ranges::default())
    }

    fn complement(&self, (min, max): (u128, u128)) -> Ranges {
        let mut out = Vec::new();
        let mut next = Some(min);
        for &(lo, hi) in &self.0 {
            if let Some(n) = next {
                if lo > n {
                    out.push((n, lo - 1));
                }
            }
            next = hi.checked_add(1);
        }
        if let Some(n) = next {
            if n <= max {
                out.push((n, max));
            }
        }
        Ranges(out)
    }
}

const F64_ZERO: u128 = 1 << 64;

/// The order-preserving integer of a finite `f64`.
fn fkey(f: f64) -> u128 {
    let bits = u128::from(f.abs().to_bits());
    if f < 0.0 {
        F64_ZERO - bits
    } else {
        F64_ZERO + bits
    }
}

fn funkey(k: u128) -> f64 {
    if k >= F64_ZERO {
        f64::from_bits(u64::try_from(k - F64_ZERO).unwrap_or(0))
    } else {
        -f64::from_bits(u64::try_from(F64_ZERO - k).unwrap_or(0))
    }
}

/// What kind of value a condition key holds, from the operators that test it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Numbers.
    Num,
    /// Dates (whole epoch seconds).
    Date,
    /// IP addresses.
    Ip,
}

impl Domain {
    /// The domain of an operator family, if it is one of these.
    pub fn of(family: OperatorFamily) -> Option<Domain> {
        match family {
            OperatorFamily::Numeric => Some(Domain::Num),
            OperatorFamily::Date => Some(Domain::Date),
            OperatorFamily::Ip => Some(Domain::Ip),
            _ => None,
        }
    }

    fn bounds(self) -> [(u128, u128); 2] {
        match self {
            Domain::Num => [(fkey(-f64::MAX), fkey(f64::MAX)), (1, 0)],
            // Dates are read from an `i64` or an ISO 8601 date: never wider than `i64`.
            Domain::Date => [(fkey(-9.2e18), fkey(9.2e18)), (1, 0)],
            Domain::Ip => [(0, u128::from(u32::MAX)), (0, u128::MAX)],
        }
    }
}

/// A set of values of one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSet {
    domain: Domain,
    /// Readable values (for IP: IPv4, then IPv6).
    parts: [Ranges; 2],
    /// Whether values the operator cannot read are in the set.
    junk: bool,
}

impl ValueSet {
    /// The empty set.
    pub fn empty(domain: Domain) -> ValueSet {
        ValueSet {
            domain,
            parts: [Ranges::default(), Ranges::default()],
            junk: false,
        }
    }

    /// The request values for which `base` (its positive form) holds against `policy`.
    pub fn compare(domain: Domain, base: BaseOperator, policy: &str) -> ValueSet {
        use BaseOperator as B;
        let mut out = ValueSet::empty(domain);
        let [(min, max), _] = domain.bounds();
        let bound = match domain {
            Domain::Ip => {
                match cidr(policy) {
                    Some(Cidr::V4(lo, hi)) => {
                        out.parts[0] = Ranges::one(u128::from(lo), u128::from(hi));
                    }
                    Some(Cidr::V6(lo, hi)) => out.parts[1] = Ranges::one(lo, hi),
                    None => {}
                }
                return out;
            }
            Domain::Num => number(policy),
            Domain::Date => date(policy),
        };
        let Some(b) = bound else { return out };
        let k = fkey(b).clamp(min, max);
        out.parts[0] = match base {
            B::NumericLessThan | B::DateLessThan => Ranges::one(min, k.saturating_sub(1)),
            B::NumericLessThanEquals | B::DateLessThanEquals => Ranges::one(min, k),
            B::NumericGreaterThan | B::DateGreaterThan => Ranges::one(k + 1, max),
            B::NumericGreaterThanEquals | B::DateGreaterThanEquals => Ranges::one(k, max),
            _ => Ranges::one(k, k),
        };
        out
    }

    /// The union.
    pub fn union(&self, o: &ValueSet) -> ValueSet {
        ValueSet {
            domain: self.domain,
            parts: [
                self.parts[0].union(&o.parts[0]),
                self.parts[1].union(&o.parts[1]),
            ],
            junk: self.junk || o.junk,
        }
    }

    /// The intersection.
    pub fn intersect(&self, o: &ValueSet) -> ValueSet {
        ValueSet {
            domain: self.domain,
            parts: [
                self.parts[0].intersect(&o.parts[0]),
                self.parts[1].intersect(&o.parts[1]),
            ],
            junk: self.junk && o.junk,
        }
    }

    /// The complement within the domain.
    pub fn complement(&self) -> ValueSet {
        let b = self.domain.bounds();
        ValueSet {
            domain: self.domain,
            parts: [
                self.parts[0].complement(b[0]),
                self.parts[1].complement(b[1]),
            ],
            junk: !self.junk,
        }
    }

    /// A value in the set, as a request would carry it; `None` when the set is empty.
    pub fn pick(&self) -> Option<String> {
        match self.domain {
            Domain::Num | Domain::Date => {
                // The value nearest zero, whole when the range holds a whole value (dates
                // must be whole seconds).
                let mut best: Option<f64> = None;
                for &(lo, hi) in &self.parts[0].0 {
                    let (a, b) = (funkey(lo), funkey(hi));
                    let near = 0f64.clamp(a, b);
                    let whole = if near == a { a.ceil() } else { near.floor() };
                    let v = if (a..=b).contains(&whole) {
                        whole
                    } else if self.domain == Domain::Date {
                        continue;
                    } else {
                        near
                    };
                    if best.is_none_or(|x| v.abs() < x.abs()) {
                        best = Some(v);
                    }
                }
                if let Some(v) = best {
                    return Some(if self.domain == Domain::Date {
                        format!("{}", v as i64)
                    } else {
                        format!("{v}")
                    });
                }
            }
            Domain::Ip => {
                if let Some(&(lo, _)) = self.parts[0].0.first() {
                    return Some(Ipv4Addr::from(u32::try_from(lo).unwrap_or(0)).to_string());
                }
                if let Some(&(lo, _)) = self.parts[1].0.first() {
                    return Some(Ipv6Addr::from(lo).to_string());
                }
            }
        }
        self.junk.then(|| "not-a-value".to_owned())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;
    use BaseOperator as B;

    #[test]
    fn numbers_dates_addresses() {
        let lt = ValueSet::compare(Domain::Num, B::NumericLessThan, "10");
        let ge = ValueSet::compare(Domain::Num, B::NumericGreaterThanEquals, "10");
        assert!(lt.intersect(&ge).pick().is_none());
        assert_eq!(
            lt.union(&ge).complement().pick().as_deref(),
            Some("not-a-value")
        );
        let eq0 = ValueSet::compare(Domain::Num, B::NumericEquals, "-0");
        assert_eq!(eq0.pick().as_deref(), Some("0"));
        // Between 1 and 2 exclusive there is no whole second.
        let d = ValueSet::compare(Domain::Date, B::DateGreaterThan, "1")
            .intersect(&ValueSet::compare(Domain::Date, B::DateLessThan, "2"));
        assert!(d.pick().is_none());
        assert_eq!(d.complement().pick().as_deref(), Some("0"));
        let net = ValueSet::compare(Domain::Ip, B::IpAddress, "10.0.0.0/8");
        let host = ValueSet::compare(Domain::Ip, B::IpAddress, "10.1.2.3");
        assert!(host.intersect(&net.complement()).pick().is_none());
        assert_eq!(
            net.intersect(&host.complement()).pick().as_deref(),
            Some("10.0.0.0")
        );
    }
}
