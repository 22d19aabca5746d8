//! Every finding code with an input that triggers it and a close input that does not.

use super::*;
use crate::policy::Attachment;

const ID: PolicyKind = PolicyKind::Identity(Attachment::Managed);
const TRUST: PolicyKind = PolicyKind::Trust;
const RES: PolicyKind = PolicyKind::Resource;

/// (code, kind, an input that must report it, a close input that must not).
pub(crate) fn cases() -> Vec<(Code, PolicyKind, String, String)> {
    let stmt = |body: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#);
    let allow = |extra: &str| stmt(&format!(r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{extra}}}"#));
    let trust = |principal: &str, extra: &str| {
        stmt(&format!(r#"{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{extra}}}"#))
    };
    let cond = |c: &str| allow(&format!(r#","Condition":{c}"#));
    let big = |n: usize| {
        let res: Vec<String> = (0..n).map(|i| format!("\"arn:aws:s3:::bucket-number-{i}/*\"")).collect();
        stmt(&format!(r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":[{}]}}"#, res.join(",")))
    };
    let big_trust = |n: usize| {
        let ps: Vec<String> = (0..n).map(|i| format!("\"arn:aws:iam::123456789012:role/role-number-{i}\"")).collect();
        trust(&format!(r#"{{"AWS":[{}]}}"#, ps.join(",")), "")
    };
    let gh = r#"{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}"#;
    let gh_trust = |extra: &str| {
        stmt(&format!(r#"{{"Effect":"Allow","Principal":{gh},"Action":"sts:AssumeRoleWithWebIdentity"{extra}}}"#))
    };
    let ok = allow("");
    vec![
        (Code::JSON_SYNTAX, ID, r#"{"Version":"2012-10-17","Statement":[],}"#.into(), ok.clone()),
        (Code::DUPLICATE_KEY, ID, stmt(r#"{"Effect":"Deny","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#), ok.clone()),
        (Code::NESTING_TOO_DEEP, ID, format!("{}{}", "[".repeat(60_000), "]".repeat(60_000)), ok.clone()),
        (Code::INPUT_TOO_LARGE, ID, format!(r#"{{"Id":"{}"}}"#, "a".repeat(140_000)), ok.clone()),
        (Code::INVALID_ENCODING, ID, r#"{"Version":"2012-10-17","Statement":{"Sid":"\ud800","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#.into(), ok.clone()),
        (Code::INVALID_CHARACTER, ID, allow(r#","Condition":{"StringEquals":{"aws:username":"b\u0100b"}}"#), allow(r#","Condition":{"StringEquals":{"aws:username":"b\u00e9b"}}"#)),
        (Code::DATA_TYPE_MISMATCH, ID, stmt(r#"{"Effect":"Allow","Action":42,"Resource":"*"}"#), ok.clone()),
        (Code::MISSING_STATEMENT, ID, r#"{"Version":"2012-10-17"}"#.into(), ok.clone()),
        (Code::UNKNOWN_ELEMENT, ID, allow(r#","Resources":"*""#), ok.clone()),
        (Code::INVALID_VERSION, ID, ok.replace("2012-10-17", "2012-10-18"), ok.clone()),
        (Code::MISSING_VERSION, ID, ok.replace(r#""Version":"2012-10-17","#, ""), ok.clone()),
        (Code::OLD_VERSION, ID, ok.replace("2012-10-17", "2008-10-17"), ok.clone()),
        (Code::ID_IN_IDENTITY_POLICY, ID, ok.replace(r#""Version""#, r#""Id":"x","Version""#), ok.clone()),
        (Code::MISSING_EFFECT, ID, stmt(r#"{"Action":"s3:GetObject","Resource":"*"}"#), ok.clone()),
        (Code::INVALID_EFFECT, ID, ok.replace("Allow", "allow"), ok.clone()),
        (Code::MISSING_ACTION, ID, stmt(r#"{"Effect":"Allow","Resource":"*"}"#), ok.clone()),
        (Code::EMPTY_ACTION, ID, stmt(r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#), ok.clone()),
        (Code::MISSING_RESOURCE, ID, stmt(r#"{"Effect":"Allow","Action":"s3:GetObject"}"#), ok.clone()),
        (Code::EMPTY_RESOURCE, ID, stmt(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}"#), ok.clone()),
        (Code::ELEMENT_COMBINATION, ID, stmt(r#"{"Effect":"Deny","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}"#), ok.clone()),
        (Code::DUPLICATE_SID, ID, stmt(r#"{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}"#),
            stmt(r#"{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}"#)),
        (Code::INVALID_SID, ID, allow(r#","Sid":"read-all""#), allow(r#","Sid":"ReadAll""#)),
        (Code::EMPTY_SID, ID, allow(r#","Sid":"""#), allow(r#","Sid":"S""#)),
        (Code::PRINCIPAL_NOT_ALLOWED, ID, allow(r#","Principal":{"AWS":"123456789012"}"#), ok.clone()),
        (Code::MISSING_PRINCIPAL, TRUST, stmt(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#), trust(r#"{"Service":"ec2.amazonaws.com"}"#, "")),
        (Code::EMPTY_PRINCIPAL, TRUST, trust("{}", ""), trust(r#"{"Service":"ec2.amazonaws.com"}"#, "")),
        (Code::INVALID_PRINCIPAL_FORMAT, TRUST, trust(r#"["123456789012"]"#, ""), trust(r#"{"AWS":["123456789012"]}"#, "")),
        (Code::INVALID_PRINCIPAL_KEY, TRUST, trust(r#"{"aws":"123456789012"}"#, ""), trust(r#"{"AWS":"123456789012"}"#, "")),
        (Code::INVALID_PRINCIPAL, TRUST, trust(r#"{"AWS":"arn:aws:iam::123456789012:group/admins"}"#, ""), trust(r#"{"AWS":"arn:aws:iam::123456789012:role/admins"}"#, "")),
        (Code::PRINCIPAL_PARTIAL_WILDCARD, TRUST, trust(r#"{"AWS":"arn:aws:iam::123456789012:role/ci-*"}"#, ""), trust(r#"{"AWS":"arn:aws:iam::123456789012:role/ci"}"#, "")),
        (Code::NOTPRINCIPAL_NOT_ALLOWED, TRUST, stmt(r#"{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}"#), trust(r#"{"AWS":"123456789012"}"#, "")),
        (Code::RESOURCE_NOT_ALLOWED, TRUST, trust(r#"{"AWS":"123456789012"}"#, r#","Resource":"*""#), trust(r#"{"AWS":"123456789012"}"#, "")),
        (Code::TRUST_PRINCIPAL_WILDCARD, TRUST, trust(r#""*""#, r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#), trust(r#"{"AWS":"*"}"#, r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#)),
        (Code::TRUST_ACTION_INVALID, TRUST, trust(r#"{"AWS":"123456789012"}"#, "").replace("sts:AssumeRole", "s3:GetObject"), trust(r#"{"AWS":"123456789012"}"#, "")),
        (Code::MISMATCHED_ACTION_FOR_PRINCIPAL, TRUST, trust(gh, r#","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/main"}}"#),
            gh_trust(r#","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/main"}}"#)),
        (Code::SERVICE_NAME_WILDCARD, ID, ok.replace("s3:GetObject", "s*:GetObject"), ok.clone()),
        (Code::INVALID_ACTION_FORMAT, ID, ok.replace("s3:GetObject", "s3GetObject"), ok.clone()),
        (Code::INVALID_ARN, ID, ok.replace("arn:aws:s3:::b/*", "s3:::b/*"), ok.clone()),
        (Code::INVALID_ARN_PARTITION, ID, ok.replace("arn:aws:", "arn:amazon:"), ok.clone()),
        (Code::INVALID_ARN_ACCOUNT, ID, stmt(r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::12345:role/x"}"#),
            stmt(r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::123456789012:role/x"}"#)),
        (Code::ARN_SERVICE_WILDCARD, ID, ok.replace("arn:aws:s3:", "arn:aws:s*:"), ok.clone()),
        (Code::VARIABLE_SYNTAX, ID, ok.replace("b/*", "b/${aws:username/*"), ok.replace("b/*", "b/${aws:username}/*")),
        (Code::VARIABLE_NOT_ALLOWED, ID, cond(r#"{"NumericLessThan":{"s3:max-keys":"${aws:username}"}}"#), cond(r#"{"StringEquals":{"s3:prefix":"${aws:username}"}}"#)),
        (Code::VARIABLE_REQUIRES_2012, ID, ok.replace("b/*", "b/${aws:username}/*").replace("2012-10-17", "2008-10-17"), ok.replace("b/*", "b/${aws:username}/*")),
        (Code::UNKNOWN_CONDITION_OPERATOR, ID, cond(r#"{"StringEqual":{"aws:PrincipalOrgID":"o-1"}}"#), cond(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#)),
        (Code::NULL_WITH_IFEXISTS, ID, cond(r#"{"NullIfExists":{"aws:TokenIssueTime":"true"}}"#), cond(r#"{"Null":{"aws:TokenIssueTime":"true"}}"#)),
        (Code::INVALID_CONDITION_KEY_FORMAT, ID, cond(r#"{"StringEquals":{"SourceIp":"x"}}"#), cond(r#"{"StringEquals":{"aws:username":"x"}}"#)),
        (Code::TAG_KEY_MISSING, ID, cond(r#"{"StringEquals":{"aws:ResourceTag":"x"}}"#), cond(r#"{"StringEquals":{"aws:ResourceTag/team":"x"}}"#)),
        (Code::DUPLICATE_CONDITION_KEY, ID, cond(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-1","AWS:principalorgid":"o-2"}}"#), cond(r#"{"StringEquals":{"aws:PrincipalOrgID":["o-1","o-2"]}}"#)),
        (Code::CONDITION_VALUE_TYPE, ID, cond(r#"{"StringEquals":{"aws:PrincipalOrgID":{"a":1}}}"#), cond(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#)),
        (Code::CONDITION_VALUE_INVALID, ID, cond(r#"{"Bool":{"aws:SecureTransport":"yes"}}"#), cond(r#"{"Bool":{"aws:SecureTransport":"true"}}"#)),
        (Code::MULTIPLE_BOOLEAN_VALUES, ID, cond(r#"{"Bool":{"aws:SecureTransport":[true,false]}}"#), cond(r#"{"Bool":{"aws:SecureTransport":[true]}}"#)),
        (Code::PRIVATE_SOURCE_IP, ID, cond(r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.1.0/24"]}}"#), cond(r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}}"#)),
        (Code::WILDCARD_WITHOUT_LIKE, ID, cond(r#"{"StringEquals":{"s3:prefix":"home/*"}}"#), cond(r#"{"StringLike":{"s3:prefix":"home/*"}}"#)),
        (Code::POLICY_SIZE_EXCEEDED, ID, big(200), big(100)),
        (Code::TRUST_POLICY_SIZE_EXCEEDED, TRUST, big_trust(60), big_trust(20)),
        (Code::FULL_ADMIN, ID, stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#), stmt(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#)),
        (Code::ALLOW_NOT_ACTION, ID, stmt(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#), stmt(r#"{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}"#)),
        (Code::ALLOW_NOT_RESOURCE, ID, stmt(r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#), stmt(r#"{"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#)),
        (Code::ALLOW_NOT_PRINCIPAL, RES, stmt(r#"{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#),
            stmt(r#"{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#)),
        (Code::PUBLIC_TRUST, TRUST, trust(r#"{"AWS":"*"}"#, ""), trust(r#"{"AWS":"*"}"#, r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#)),
        (Code::GITHUB_OIDC_NO_SUB, TRUST, gh_trust(r#","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}"#),
            gh_trust(r#","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/main"}}"#)),
        (Code::GITHUB_OIDC_WILDCARD_SUB, TRUST, gh_trust(r#","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/*"}}"#),
            gh_trust(r#","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/main"}}"#)),
        (Code::OIDC_NO_CONDITION, TRUST, stmt(r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity"}"#),
            stmt(r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:ns:sa"}}}"#)),
        (Code::PUBLIC_RESOURCE_ACCESS, RES, stmt(r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#),
            stmt(r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}"#)),
        (Code::SERVICE_PRINCIPAL_NO_SOURCE, RES, stmt(r#"{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}"#),
            stmt(r#"{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}"#)),
    ]
}

fn codes_of(input: &str, kind: PolicyKind, account: Option<&str>) -> Vec<Code> {
    let mut ctx = ValidationContext::new(kind);
    ctx.account_id = account.map(str::to_owned);
    validate_json(input.as_bytes(), &ctx).codes()
}

#[test]
fn every_case_fails_and_passes() {
    for (code, kind, bad, good) in cases() {
        let bad_codes = codes_of(&bad, kind, None);
        assert!(bad_codes.contains(&code), "{code}: expected in {bad_codes:?} for {bad:.300}");
        let good_codes = codes_of(&good, kind, None);
        assert!(!good_codes.contains(&code), "{code}: unexpected in {good_codes:?} for {good:.300}");
    }
}

#[test]
fn cross_account_trust_needs_account_context() {
    let t = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}]}"#;
    assert!(codes_of(t, TRUST, Some("123456789012")).contains(&Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID));
    assert!(!codes_of(t, TRUST, Some("210987654321")).contains(&Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID));
    let with_id = t.replace(
        r#""Action":"sts:AssumeRole""#,
        r#""Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3d4e5"}}"#,
    );
    assert!(!codes_of(&with_id, TRUST, Some("123456789012")).contains(&Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID));
}

#[test]
fn all_findings_are_reported_in_one_pass() {
    let input = r#"{"Statement":[
        {"Sid":"bad-sid","Effect":"allow","Action":"s3GetObject","Resource":"s3:::b"},
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqual":{"aws:x":"y"}}}]}"#;
    let codes = codes_of(input, ID, None);
    for c in [
        Code::MISSING_VERSION,
        Code::INVALID_SID,
        Code::INVALID_EFFECT,
        Code::INVALID_ACTION_FORMAT,
        Code::INVALID_ARN,
        Code::UNKNOWN_CONDITION_OPERATOR,
    ] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
}

#[test]
fn findings_point_at_the_source() {
    let input = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"bucket\"\n  }]\n}";
    let report = validate_json(input.as_bytes(), &ValidationContext::default());
    let f = report.findings.iter().find(|f| f.code == Code::INVALID_ARN).expect("INVALID_ARN");
    assert_eq!(f.path.to_string(), "/Statement/0/Resource");
    let span = f.span.expect("span");
    assert_eq!((span.line, span.column), (6, 17));
    assert_eq!(f.help.as_deref(), Some("write `*` or an ARN: `arn:partition:service:region:account-id:resource`"));
}

#[test]
fn suggestions_for_misspelled_elements() {
    let input = r#"{"Version":"2012-10-17","Statement":[{"Efect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let report = validate_json(input.as_bytes(), &ValidationContext::default());
    let f = report.findings.iter().find(|f| f.code == Code::UNKNOWN_ELEMENT).expect("UNKNOWN_ELEMENT");
    assert_eq!(f.help.as_deref(), Some("did you mean `Effect`?"));
}

#[test]
fn trust_quota_is_configurable() {
    let t = cases()
        .into_iter()
        .find(|c| c.0 == Code::TRUST_POLICY_SIZE_EXCEEDED)
        .map(|c| c.2)
        .unwrap_or_default();
    let ctx = ValidationContext::new(TRUST).with_trust_quota(8_192);
    assert!(!validate_json(t.as_bytes(), &ctx).codes().contains(&Code::TRUST_POLICY_SIZE_EXCEEDED));
}

#[test]
fn size_ignores_whitespace_outside_strings() {
    let compact = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let spaced = "{ \"Version\" : \"2012-10-17\",\n\t\"Statement\" : [ { \"Effect\" : \"Allow\", \"Action\" : \"s3:GetObject\", \"Resource\" : \"*\" } ] }";
    let a = crate::json::parse_str(compact, &Default::default()).unwrap();
    let b = crate::json::parse_str(spaced, &Default::default()).unwrap();
    assert_eq!(compact_size(&a), compact.len());
    assert_eq!(compact_size(&b), compact.len());
}
