//! Every finding code with an input that triggers it and a close input that does not.

use super::*;
use crate::policy::Attachment;

const ID: PolicyKind = PolicyKind::Identity(Attachment::Managed);
const TRUST: PolicyKind = PolicyKind::Trust;
const RES: PolicyKind = PolicyKind::Resource;

/// (code, kind, an input that must report it, a close input that must not).
pub(crate) fn cases() -> Vec<(Code, PolicyKind, String, String)> {
    let stmt = |body: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#);
    let allow = |extra: &str| {
        stmt(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{extra}}}"#
        ))
    };
    let trust = |principal: &str, extra: &str| {
        stmt(&format!(
            r#"{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{extra}}}"#
        ))
    };
    let cond = |c: &str| allow(&format!(r#","Condition":{c}"#));
    let big = |n: usize| {
        let res: Vec<String> = (0..n)
            .map(|i| format!("\"arn:aws:s3:::bucket-number-{i}/*\""))
            .collect();
        stmt(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":[{}]}}"#,
            res.join(",")
        ))
    };
    let big_trust = |n: usize| {
        let ps: Vec<String> = (0..n)
            .map(|i| format!("\"arn:aws:iam::123456789012:role/role-number-{i}\""))
            .collect();
        trust(&format!(r#"{{"AWS":[{}]}}"#, ps.join(",")), "")
    };
    let gh = r#"{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}"#;
    let gh_trust = |extra: &str| {
        stmt(&format!(
            r#"{{"Effect":"Allow","Principal":{gh},"Action":"sts:AssumeRoleWithWebIdentity"{extra}}}"#
        ))
    };
    let eks = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    let eks_trust = |key: &str| {
        stmt(&format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/{eks}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{key}":"system:serviceaccount:ns:sa","{eks}:aud":"sts.amazonaws.com"}}}}}}"#
        ))
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
        // The catalog checks.
        (Code::UNKNOWN_SERVICE, ID, ok.replace("s3:GetObject", "s4:GetObject"), ok.clone()),
        (Code::UNKNOWN_ACTION, ID, ok.replace("s3:GetObject", "s3:GetObjcet"), ok.replace("s3:GetObject", "S3:getobject")),
        (Code::ACTION_WILDCARD_NO_MATCH, ID, ok.replace("s3:GetObject", "s3:Gett*"), ok.replace("s3:GetObject", "s3:Get*")),
        (Code::ARN_REGION_NOT_ALLOWED, ID, ok.replace("arn:aws:s3:::", "arn:aws:s3:us-east-1::"), ok.clone()),
        (Code::ARN_ACCOUNT_NOT_ALLOWED, ID, ok.replace("arn:aws:s3:::", "arn:aws:s3::123456789012:"), ok.clone()),
        (Code::ARN_REGION_MISSING, ID, stmt(r#"{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2::123456789012:instance/*"}"#),
            stmt(r#"{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:*:123456789012:instance/*"}"#)),
        (Code::RESOURCE_TYPE_MISMATCH, ID, ok.replace("arn:aws:s3:::b/*", "arn:aws:s3:::b"), ok.clone()),
        (Code::RESOURCE_TYPE_MISMATCH, ID, stmt(r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::b"}"#),
            stmt(r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}"#)),
        (Code::RESOURCE_TYPE_MISMATCH, ID, stmt(r#"{"Effect":"Allow","Action":"s3:*Object","Resource":"arn:aws:s3:::b"}"#),
            stmt(r#"{"Effect":"Allow","Action":"s3:*Object","Resource":"arn:aws:s3:::b/*"}"#)),
        (Code::UNKNOWN_GLOBAL_CONDITION_KEY, ID, cond(r#"{"IpAddress":{"aws:SourceIpp":"203.0.113.0/24"}}"#), cond(r#"{"IpAddress":{"aws:sourceip":"203.0.113.0/24"}}"#)),
        (Code::UNKNOWN_GLOBAL_CONDITION_KEY, ID, cond(r#"{"StringEquals":{"aws:ResourceTags/team":"a"}}"#), cond(r#"{"StringEquals":{"aws:ResourceTag/team":"a"}}"#)),
        (Code::UNKNOWN_SERVICE_CONDITION_KEY, ID, cond(r#"{"StringEquals":{"s3:x-amz-acll":"private"}}"#), cond(r#"{"StringEquals":{"s3:x-amz-acl":"private"}}"#)),
        (Code::UNKNOWN_SERVICE_CONDITION_KEY, TRUST, gh_trust(r#","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*","token.actions.githubusercontent.com:subject":"x"}}"#),
            gh_trust(r#","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*","token.actions.githubusercontent.com:repository":"o/r"}}"#)),
        (Code::UNKNOWN_SERVICE_CONDITION_KEY, TRUST, eks_trust("oidc.eks.eu-west-1.amazonaws.com/id/ABC:subject"), eks_trust("oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub")),
        (Code::UNKNOWN_SERVICE_CONDITION_KEY, TRUST, eks_trust("oidc.eks.eu-west-1.amazonaws.com/id/XYZ:sub"), eks_trust("oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud")),
        (Code::CONDITION_OPERATOR_MISMATCH, ID, cond(r#"{"NumericEquals":{"aws:SourceIp":"3"}}"#), cond(r#"{"StringLike":{"aws:SourceArn":"arn:aws:sns:*"}}"#)),
        (Code::MISSING_QUALIFIER, ID, cond(r#"{"StringEquals":{"aws:TagKeys":"team"}}"#), cond(r#"{"Null":{"aws:TagKeys":"true"}}"#)),
        (Code::MISSING_QUALIFIER, ID, cond(r#"{"StringEquals":{"aws:TagKeys":"team"}}"#), cond(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}"#)),
        (Code::FORALLVALUES_SINGLE_VALUED_KEY, ID, cond(r#"{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#), cond(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#)),
        (Code::CONDITION_KEY_NOT_FOR_ACTION, ID, stmt(r#"{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a/*"}}}"#),
            stmt(r#"{"Effect":"Allow","Action":["ec2:RunInstances","s3:ListBucket"],"Resource":"*","Condition":{"StringLike":{"s3:prefix":"a/*"}}}"#)),
        (Code::PASSROLE_WILDCARD_RESOURCE, ID, stmt(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/*"}"#),
            stmt(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#)),
        (Code::PASSROLE_WILDCARD_RESOURCE, ID, stmt(r#"{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}"#),
            stmt(r#"{"Effect":"Allow","Action":"iam:Pass*","Resource":"arn:aws:iam::123456789012:role/app-ec2"}"#)),
        (Code::PERMISSIONS_MANAGEMENT_STAR, ID, stmt(r#"{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"*"}"#),
            stmt(r#"{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"arn:aws:iam::123456789012:role/app-*"}"#)),
        (Code::PERMISSIONS_MANAGEMENT_STAR, ID, stmt(r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutBucket*"],"Resource":"*"}"#),
            stmt(r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutBucket*"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"web"}}}"#)),
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
        assert!(
            bad_codes.contains(&code),
            "{code}: expected in {bad_codes:?} for {bad:.300}"
        );
        let good_codes = codes_of(&good, kind, None);
        assert!(
            !good_codes.contains(&code),
            "{code}: unexpected in {good_codes:?} for {good:.300}"
        );
    }
}

#[test]
fn cross_account_trust_needs_account_context() {
    let t = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}]}"#;
    assert!(codes_of(t, TRUST, Some("123456789012"))
        .contains(&Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID));
    assert!(!codes_of(t, TRUST, Some("210987654321"))
        .contains(&Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID));
    let with_id = t.replace(
        r#""Action":"sts:AssumeRole""#,
        r#""Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3d4e5"}}"#,
    );
    assert!(!codes_of(&with_id, TRUST, Some("123456789012"))
        .contains(&Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID));
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
    let f = report
        .findings
        .iter()
        .find(|f| f.code == Code::INVALID_ARN)
        .expect("INVALID_ARN");
    assert_eq!(f.path.to_string(), "/Statement/0/Resource");
    let span = f.span.expect("span");
    assert_eq!((span.line, span.column), (6, 17));
    assert_eq!(
        f.help.as_deref(),
        Some("write `*` or an ARN: `arn:partition:service:region:account-id:resource`")
    );
}

#[test]
fn suggestions_for_misspelled_elements() {
    let input = r#"{"Version":"2012-10-17","Statement":[{"Efect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let report = validate_json(input.as_bytes(), &ValidationContext::default());
    let f = report
        .findings
        .iter()
        .find(|f| f.code == Code::UNKNOWN_ELEMENT)
        .expect("UNKNOWN_ELEMENT");
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
    assert!(!validate_json(t.as_bytes(), &ctx)
        .codes()
        .contains(&Code::TRUST_POLICY_SIZE_EXCEEDED));
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

/// The validator measures while parsing; that count must agree with measuring the tree, for
/// whitespace, escapes that shrink (`\/`, `\u00e9`), escapes that stay (`\n`, `\u0001`) and
/// characters of every UTF-8 length.
#[test]
fn size_measured_while_parsing_matches_the_tree() {
    let inputs = [
        r#"{"a":1}"#,
        " {\r\n \"a\" :\t[ 1 , -2.5e3 , true , false , null , { } , [ ] ] } \n",
        r#"{"k\/ey":"v\u00e9\u0041\n\t\"\\\u0001\ud83d\ude00"}"#,
        "{\"é😀\": \"ü \u{2028} \u{7f}\", \"b\": [\"x\", \"\\b\\f\\r\"]}",
    ];
    for input in inputs {
        let arena = bumpalo::Bump::new();
        let parsed = crate::json::parse_borrowed(input.as_bytes(), &Default::default(), &arena)
            .unwrap_or_else(|e| panic!("{input}: {e:?}"));
        let tree = crate::json::parse_str(input, &Default::default()).unwrap();
        assert_eq!(parsed.compact_size, compact_size(&tree), "{input}");
        assert_eq!(
            parsed.compact_size,
            tree.value.to_string().chars().count(),
            "{input}"
        );
    }
}

/// Codes that need more than a policy and the default context, each with the test that covers
/// it: the account context, or a whole deployment.
const OWN_TESTS: &[(Code, &str)] = &[
    (
        Code::CHECK_BUDGET_EXCEEDED,
        "budget_exceeded_is_reported_once",
    ),
    (
        Code::CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID,
        "cross_account_trust_needs_account_context",
    ),
    (Code::INVALID_NAME, "deployment_codes_fail_and_pass"),
    (Code::DUPLICATE_NAME, "deployment_codes_fail_and_pass"),
    (Code::UNRESOLVED_REFERENCE, "deployment_codes_fail_and_pass"),
    (Code::INVALID_ROLE_SETTING, "deployment_codes_fail_and_pass"),
    (Code::INVALID_TAG, "deployment_codes_fail_and_pass"),
    (
        Code::ATTACHMENT_QUOTA_EXCEEDED,
        "deployment_codes_fail_and_pass",
    ),
    (
        Code::INVALID_OIDC_PROVIDER,
        "deployment_codes_fail_and_pass",
    ),
];

#[test]
fn every_code_has_a_failing_and_a_passing_case() {
    let covered: HashSet<Code> = cases().into_iter().map(|c| c.0).collect();
    for code in Code::ALL {
        let own = OWN_TESTS.iter().any(|(c, _)| c == code);
        assert!(
            covered.contains(code) || own,
            "{code} has no case in `cases()` and no test of its own"
        );
        assert!(
            !(covered.contains(code) && own),
            "{code} is listed in OWN_TESTS but has a case too"
        );
    }
}

#[test]
fn deployment_codes_fail_and_pass() {
    use crate::deployment::{Account, Deployment, DeploymentOptions, OidcProvider, Role};
    use crate::statement::Statement;
    use crate::text::LateBound;
    use crate::{PolicyDocument, Principal};

    let trust = || {
        PolicyDocument::new([Statement::allow()
            .principal(Principal::service(["ec2.amazonaws.com"]))
            .action("sts:AssumeRole")])
    };
    let role = |name: &str| Role::builder().key(name).name(name).trust(trust()).build();
    let with_roles = |roles: Vec<Role>| {
        Deployment::builder()
            .blueprint("t")
            .instance("t")
            .roles(roles)
            .build()
    };
    let github = |url: &str, ids: Vec<String>, thumbprints: Vec<String>| {
        Deployment::builder()
            .blueprint("t")
            .instance("t")
            .oidc_providers(vec![OidcProvider::builder()
                .key("gh")
                .url(url)
                .client_ids(ids)
                .thumbprints(thumbprints)
                .build()])
            .build()
    };
    let mut tagged = role("app");
    tagged.tags.insert("aws:team".into(), "web".into());
    let mut tagged_ok = role("app");
    tagged_ok.tags.insert("team".into(), "web".into());
    let mut long_session = role("app");
    long_session.max_session_duration = 86_400;
    let mut attached = role("app");
    let mut attached_ok = role("app");
    for i in 0..11 {
        attached = attached.attach(format!("arn:aws:iam::aws:policy/P{i}"));
        if i < 10 {
            attached_ok = attached_ok.attach(format!("arn:aws:iam::aws:policy/P{i}"));
        }
    }
    let mut other_account = role("app");
    other_account.account = "prod".into();
    let accounts = |d: Deployment| Deployment {
        accounts: vec![Account::new("default"), Account::new("prod")],
        ..d
    };
    let refers = |key: &str| {
        let mut r = role("app");
        r.managed_policy_arns
            .push(LateBound::policy_arn(key).into());
        r
    };
    let with_policy = |d: Deployment| Deployment {
        policies: vec![crate::deployment::ManagedPolicy::builder()
            .key("p")
            .name("p")
            .document(PolicyDocument::new([Statement::allow()
                .action("s3:GetObject")
                .resource("arn:aws:s3:::b/*")]))
            .build()],
        ..d
    };
    let cases: Vec<(Code, Deployment, Deployment)> = vec![
        (
            Code::INVALID_NAME,
            with_roles(vec![role("app role")]),
            with_roles(vec![role("app-role")]),
        ),
        (
            Code::DUPLICATE_NAME,
            with_roles(vec![
                role("app"),
                Role {
                    key: "other".into(),
                    ..role("APP")
                },
            ]),
            with_roles(vec![role("app"), role("web")]),
        ),
        (
            Code::UNRESOLVED_REFERENCE,
            with_policy(with_roles(vec![refers("nope")])),
            with_policy(with_roles(vec![refers("p")])),
        ),
        (
            Code::UNRESOLVED_REFERENCE,
            with_roles(vec![other_account.clone()]),
            accounts(with_roles(vec![other_account])),
        ),
        (
            Code::INVALID_ROLE_SETTING,
            with_roles(vec![long_session]),
            with_roles(vec![role("app")]),
        ),
        (
            Code::INVALID_TAG,
            with_roles(vec![tagged]),
            with_roles(vec![tagged_ok]),
        ),
        (
            Code::ATTACHMENT_QUOTA_EXCEEDED,
            with_roles(vec![attached]),
            with_roles(vec![attached_ok]),
        ),
        (
            Code::INVALID_OIDC_PROVIDER,
            github(
                "http://token.actions.githubusercontent.com",
                vec!["sts.amazonaws.com".into()],
                vec![],
            ),
            github(
                "https://token.actions.githubusercontent.com",
                vec!["sts.amazonaws.com".into()],
                vec![],
            ),
        ),
        (
            Code::INVALID_OIDC_PROVIDER,
            github(
                "https://token.actions.githubusercontent.com",
                vec![],
                vec![],
            ),
            github(
                "https://token.actions.githubusercontent.com",
                vec!["sts.amazonaws.com".into()],
                vec!["6938fd4d98bab03faadb97b34396831e3780aea1".into()],
            ),
        ),
    ];
    let codes = |d: &Deployment| {
        d.validate(&DeploymentOptions::default())
            .into_iter()
            .map(|f| f.finding.code)
            .collect::<Vec<_>>()
    };
    for (code, bad, good) in &cases {
        assert!(
            codes(bad).contains(code),
            "{code}: expected in {:?}",
            codes(bad)
        );
        assert!(
            !codes(good).contains(code),
            "{code}: unexpected in {:?}",
            codes(good)
        );
    }
    for (code, _) in OWN_TESTS
        .iter()
        .filter(|(_, test)| *test == "deployment_codes_fail_and_pass")
    {
        assert!(
            cases.iter().any(|c| c.0 == *code),
            "{code} has no deployment case"
        );
    }
}

fn finding(report: &Report, code: Code) -> &Finding {
    report
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", report.findings))
}

fn policy(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

#[test]
fn unknown_actions_suggest_the_nearest_names() {
    let report = validate_json(
        policy(r#"{"Effect":"Allow","Action":"s3:GetObjcet","Resource":"*"}"#).as_bytes(),
        &ValidationContext::default(),
    );
    let f = finding(&report, Code::UNKNOWN_ACTION);
    assert_eq!(
        f.message,
        "`s3:GetObjcet` is not an action of Amazon S3 (`s3`)"
    );
    assert_eq!(f.help.as_deref(), Some("did you mean `s3:GetObject`?"));
    let report = validate_json(
        policy(r#"{"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}"#).as_bytes(),
        &ValidationContext::default(),
    );
    assert_eq!(
        finding(&report, Code::UNKNOWN_SERVICE).help.as_deref(),
        Some("did you mean `s3:GetObject`?")
    );
    // Actions and prefixes are case-insensitive, as in IAM.
    let report = validate_json(policy(r#"{"Effect":"Allow","Action":["iam:Passrole","IAM:getROLE"],"Resource":"arn:aws:iam::123456789012:role/app"}"#).as_bytes(), &ValidationContext::default());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn full_admin_is_one_finding() {
    // `*` on `*` includes passing roles and managing permissions: FULL_ADMIN alone says so.
    let report = validate_json(
        policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#).as_bytes(),
        &ValidationContext::default(),
    );
    assert_eq!(report.codes(), [Code::FULL_ADMIN]);
    // `iam:*` on `*` is not full admin, but both narrower risks.
    let report = validate_json(
        policy(r#"{"Effect":"Allow","Action":"iam:*","Resource":"*"}"#).as_bytes(),
        &ValidationContext::default(),
    );
    assert_eq!(
        report.codes(),
        [
            Code::PASSROLE_WILDCARD_RESOURCE,
            Code::PERMISSIONS_MANAGEMENT_STAR
        ]
    );
    let pm = finding(&report, Code::PERMISSIONS_MANAGEMENT_STAR);
    assert!(
        pm.message.contains("`iam:AttachRolePolicy`") && pm.message.contains("more"),
        "{}",
        pm.message
    );
    assert!(!pm.message.contains("`iam:PassRole`"), "{}", pm.message);
    // Neither is about trust or resource policies.
    let trust = ValidationContext::new(TRUST);
    let report = validate_json(
        policy(
            r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}"#,
        )
        .as_bytes(),
        &trust,
    );
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn wildcard_actions_mismatch_only_when_no_expansion_fits() {
    let ctx = ValidationContext::default();
    let codes = |s: &str| validate_json(policy(s).as_bytes(), &ctx).codes();
    // `s3:Get*` includes bucket and object actions: either resource fits some of them.
    assert_eq!(
        codes(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b"}"#),
        []
    );
    assert_eq!(
        codes(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}"#),
        []
    );
    // No S3 action applies to a DynamoDB table.
    assert_eq!(
        codes(
            r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/t"}"#
        ),
        [Code::RESOURCE_TYPE_MISMATCH]
    );
    // Policy variables and wildcards in the resource are matched as patterns.
    assert_eq!(
        codes(
            r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#
        ),
        []
    );
    assert_eq!(
        codes(r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::*:role/*"}"#),
        []
    );
    // An action without resource types needs `*`, or a wildcard ARN of its own service.
    assert_eq!(
        codes(r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}"#),
        []
    );
    assert_eq!(
        codes(
            r#"{"Effect":"Allow","Action":"dynamodb:ListTables","Resource":"arn:aws:dynamodb:*:*:table/*"}"#
        ),
        []
    );
    assert_eq!(
        codes(
            r#"{"Effect":"Allow","Action":"dynamodb:ListTables","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/t"}"#
        ),
        [Code::RESOURCE_TYPE_MISMATCH]
    );
    assert_eq!(
        codes(r#"{"Effect":"Allow","Action":"iam:ListRoles","Resource":"arn:aws:s3:::*"}"#),
        [Code::RESOURCE_TYPE_MISMATCH]
    );
    // AWS managed policies live in the account `aws`.
    assert_eq!(
        codes(
            r#"{"Effect":"Allow","Action":"iam:GetPolicy","Resource":"arn:aws:iam::aws:policy/ReadOnlyAccess"}"#
        ),
        []
    );
    // NotAction and NotResource are not judged.
    assert_eq!(
        codes(r#"{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::b"}"#),
        []
    );
    assert_eq!(
        codes(r#"{"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b"}"#),
        []
    );
    // An S3 access point has a region: its ARN is fine, and so is the action on it.
    assert_eq!(
        codes(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/*"}"#
        ),
        []
    );
}

#[test]
fn late_bound_resources_are_judged_by_their_placeholders_when_they_can_be() {
    use crate::statement::Statement;
    use crate::text::{LateBound, Text};
    use crate::{ArnTemplate, PolicyDocument};
    let ctx = ValidationContext::default();
    let codes = |st: Statement| {
        validate(&PolicyDocument::new([st]), &ctx)
            .into_iter()
            .map(|f| f.code)
            .collect::<Vec<_>>()
    };
    // Account, region and partition placeholders have the real values' shape.
    assert_eq!(
        codes(
            Statement::allow()
                .action("s3:GetObject")
                .resource(ArnTemplate::s3("b/*"))
        ),
        []
    );
    assert_eq!(
        codes(
            Statement::allow()
                .action("s3:GetObject")
                .resource(ArnTemplate::s3("b"))
        ),
        [Code::RESOURCE_TYPE_MISMATCH]
    );
    assert_eq!(
        codes(
            Statement::allow()
                .action("iam:PassRole")
                .resource(LateBound::role_arn("app"))
                .condition(crate::Condition::string_equals(
                    "iam:PassedToService",
                    ["ec2.amazonaws.com"]
                ))
        ),
        []
    );
    assert_eq!(
        codes(
            Statement::allow()
                .action("sqs:SendMessage")
                .resource(ArnTemplate::regional("sqs", "q"))
        ),
        []
    );
    // An external value could be anything: nothing to judge (its placeholder is no ARN; the
    // shape check says so, and deployments check the known value instead).
    let external = codes(
        Statement::allow()
            .action("s3:GetObject")
            .resource(Text::from(LateBound::External("bucket_arn".into()))),
    );
    assert!(
        !external.contains(&Code::RESOURCE_TYPE_MISMATCH),
        "{external:?}"
    );
}

#[test]
fn operator_types_follow_the_keys() {
    let ctx = ValidationContext::default();
    let codes = |c: &str| {
        let s = format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{c}}}"#
        );
        validate_json(policy(&s).as_bytes(), &ctx).codes()
    };
    // ARN keys take String operators as well; `aws:EpochTime` takes Numeric ones as well.
    assert_eq!(
        codes(r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ci-*"}}"#),
        []
    );
    assert_eq!(
        codes(r#"{"NumericLessThan":{"aws:EpochTime":"1800000000"}}"#),
        []
    );
    assert_eq!(
        codes(r#"{"DateLessThan":{"aws:EpochTime":"1800000000"}}"#),
        []
    );
    // Binary is not judged; Null tests any key.
    assert_eq!(codes(r#"{"Null":{"aws:SourceIp":"true"}}"#), []);
    assert_eq!(
        codes(r#"{"StringEquals":{"aws:SecureTransport":"true"}}"#),
        [Code::CONDITION_OPERATOR_MISMATCH]
    );
    assert_eq!(
        codes(r#"{"ArnLike":{"aws:username":"arn:aws:iam::*:user/x"}}"#),
        [Code::CONDITION_OPERATOR_MISMATCH]
    );
    // String keys that hold ARNs take ARN operators, as AWS's own policies use them.
    for key in [
        "kms:EncryptionContext:aws:s3:arn",
        "aws:RequestTag/owner",
        "kms:EncryptionContext:SecretARN",
    ] {
        let c = codes(&format!(r#"{{"ArnLike":{{"{key}":"arn:aws:s3:::b/*"}}}}"#));
        assert!(
            !c.contains(&Code::CONDITION_OPERATOR_MISMATCH),
            "{key}: {c:?}"
        );
    }
}

/// Keys about the credentials a request is made with (the instance, function or Glue role
/// that holds them) are in the context of every request, whatever the action.
#[test]
fn credential_context_keys_fit_every_action() {
    let ctx = ValidationContext::default();
    for key in [
        "ec2:SourceInstanceARN",
        "lambda:SourceFunctionArn",
        "glue:RoleAssumedBy",
    ] {
        let s = format!(
            r#"{{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{{"StringLike":{{"{key}":"x*"}}}}}}"#
        );
        let c = validate_json(policy(&s).as_bytes(), &ctx).codes();
        assert!(
            !c.contains(&Code::CONDITION_KEY_NOT_FOR_ACTION),
            "{key}: {c:?}"
        );
    }
    let s = r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}}"#;
    let c = validate_json(policy(s).as_bytes(), &ctx).codes();
    assert!(c.contains(&Code::CONDITION_KEY_NOT_FOR_ACTION), "{c:?}");
}

#[test]
fn idp_claims_are_checked_against_the_trusted_provider() {
    let trust = ValidationContext::new(TRUST);
    let codes = |s: &str| validate_json(policy(s).as_bytes(), &trust).codes();
    let google = r#"{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"app.apps.googleusercontent.com"}}}"#;
    assert_eq!(codes(google), []);
    let saml = r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/corp"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}"#;
    assert_eq!(codes(saml), []);
}

#[test]
fn arn_structure_messages_show_the_fix() {
    let report = validate_json(policy(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:b/*"}"#).as_bytes(), &ValidationContext::default());
    let region = finding(&report, Code::ARN_REGION_NOT_ALLOWED);
    assert_eq!(region.message, "`arn:aws:s3:us-east-1:123456789012:b/*` names the region `us-east-1`, but Amazon S3 `object` ARNs have no region");
    assert_eq!(
        region.help.as_deref(),
        Some("remove the region: `arn:aws:s3:::b/*`")
    );
    let account = finding(&report, Code::ARN_ACCOUNT_NOT_ALLOWED);
    assert_eq!(
        account.help.as_deref(),
        Some("remove the account: `arn:aws:s3:::b/*`")
    );
}

#[test]
fn the_realistic_corpus_policy_shapes_have_no_false_positives() {
    // The kinds of grant in `benches/support/corpus.rs`, each valid as written.
    for st in [
        r#"{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":["arn:aws:dynamodb:us-east-1:123456789012:table/t","arn:aws:dynamodb:us-east-1:123456789012:table/t/index/*"]}"#,
        r#"{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f*:*"}"#,
        r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}"#,
        r#"{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:us-east-1:123456789012:instance/*","Condition":{"StringEquals":{"aws:ResourceTag/Team":"web"}}}"#,
        r#"{"Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"app/prod"}}}"#,
        r#"{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:app/prod/*"}"#,
        r#"{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}"#,
    ] {
        let report = validate_json(policy(st).as_bytes(), &ValidationContext::default());
        assert!(report.findings.is_empty(), "{st}: {:#?}", report.findings);
    }
}

#[test]
fn condition_key_findings_point_at_the_key() {
    let second = r#" "Condition": {"IpAddress": {"aws:SourceIpp": "203.0.113.0/24"}}}}"#;
    let input = format!("{{\"Version\":\"2012-10-17\",\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\n{second}");
    let report = validate_json(input.as_bytes(), &ValidationContext::default());
    let span = finding(&report, Code::UNKNOWN_GLOBAL_CONDITION_KEY)
        .span
        .expect("span");
    let column = second.find("\"aws:SourceIpp\"").map(|c| c + 1);
    assert_eq!((span.line, Some(span.column as usize)), (2, column));
}

/// A character IAM rejects is found whether it is written raw or escaped, and plain ASCII
/// text (which skips the character checks) is never reported.
#[test]
fn invalid_characters_raw_or_escaped() {
    let policy = |value: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{value}"}}]}}"#
        )
    };
    let codes = |value: &str| {
        validate_json(policy(value).as_bytes(), &ValidationContext::default()).codes()
    };
    assert!(codes("b\u{2019}b/*").contains(&Code::INVALID_CHARACTER));
    assert!(codes("b\\u2019b/*").contains(&Code::INVALID_CHARACTER));
    assert!(!codes("b\u{e9}b/*").contains(&Code::INVALID_CHARACTER));
    assert!(!codes("b~b\u{7f}/*").contains(&Code::INVALID_CHARACTER));
}

/// Duplicate Sids are found among many statements too (past the short list the check keeps).
#[test]
fn duplicate_sids_among_many_statements() {
    let statement = |sid: &str| {
        format!(
            r#"{{"Sid":"{sid}","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}"#
        )
    };
    let mut statements: Vec<String> = (0..20).map(|i| statement(&format!("S{i}"))).collect();
    statements.push(statement("S18"));
    statements.push(statement("S3"));
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    );
    let report = validate_json(policy.as_bytes(), &ValidationContext::default());
    let messages: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::DUPLICATE_SID)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "statements 18 and 20 share the `Sid` `S18`",
            "statements 3 and 21 share the `Sid` `S3`"
        ]
    );
}

#[test]
fn budget_exceeded_is_reported_once() {
    // 600 patterns over every service: each a walk of the whole catalog.
    let actions: Vec<String> = (0..600)
        .map(|i| {
            format!(
                "\"*:*{}{}*\"",
                char::from(b'a' + (i % 26) as u8),
                char::from(b'a' + (i / 26) as u8)
            )
        })
        .collect();
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}},{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    let report = validate_json(doc.as_bytes(), &ValidationContext::default());
    let budget: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::CHECK_BUDGET_EXCEEDED)
        .collect();
    assert_eq!(budget.len(), 1, "{:?}", report.codes());
    assert_eq!(budget[0].path.to_string(), "/Statement/1");
    assert_eq!(budget[0].severity, Severity::Warning);
    assert!(budget[0].span.is_some());
    // A few patterns stay within it.
    let few = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions[..3].join(",")
    );
    let report = validate_json(few.as_bytes(), &ValidationContext::default());
    assert!(
        !report.codes().contains(&Code::CHECK_BUDGET_EXCEEDED),
        "{:?}",
        report.codes()
    );
}
/// The help of GITHUB_OIDC_NO_SUB suggests `sub` values that pass every GitHub check
/// themselves (a pattern would trip GITHUB_OIDC_WILDCARD_SUB).
#[test]
fn github_oidc_no_sub_help_suggests_values_that_pass() {
    let gh = r#"{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}"#;
    let trust = |condition: &str| {
        policy(&format!(
            r#"{{"Effect":"Allow","Principal":{gh},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}"#
        ))
    };
    let aud = r#""token.actions.githubusercontent.com:aud":"sts.amazonaws.com""#;
    let report = validate_json(
        trust(&format!("{{\"StringEquals\":{{{aud}}}}}")).as_bytes(),
        &ValidationContext::new(PolicyKind::Trust),
    );
    let help = finding(&report, Code::GITHUB_OIDC_NO_SUB)
        .help
        .clone()
        .unwrap_or_default();
    let operator = help.split('`').nth(1).unwrap_or_default().to_owned();
    let values: Vec<&str> = help.split('`').filter(|s| s.starts_with("repo:")).collect();
    assert!(!values.is_empty(), "{help}");
    for value in values {
        let fixed = trust(&format!(
            r#"{{"{operator}":{{{aud},"token.actions.githubusercontent.com:sub":"{value}"}}}}"#
        ));
        let codes = codes_of(&fixed, PolicyKind::Trust, None);
        assert!(codes.is_empty(), "{value} with {operator}: {codes:?}");
    }
}

/// A SAML trust may allow `sts:AssumeRoleWithSAML` in one statement and the session actions
/// to the same provider in another (as AWS's examples do): judged per document. A provider no
/// statement lets assume the role is still reported.
#[test]
fn saml_action_match_is_judged_per_document() {
    let saml = |provider: &str, action: &str| {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:saml-provider/{provider}"}},"Action":"{action}","Condition":{{"StringEquals":{{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}}}"#
        )
    };
    let split = policy(&format!(
        "{},{}",
        saml("Okta", "sts:AssumeRoleWithSAML"),
        saml("Okta", "sts:SetSourceIdentity")
    ));
    let codes = codes_of(&split, PolicyKind::Trust, None);
    assert!(
        !codes.contains(&Code::MISMATCHED_ACTION_FOR_PRINCIPAL),
        "{codes:?}"
    );
    let other = policy(&format!(
        "{},{}",
        saml("Okta", "sts:AssumeRoleWithSAML"),
        saml("Other", "sts:SetSourceIdentity")
    ));
    let codes = codes_of(&other, PolicyKind::Trust, None);
    assert!(
        codes.contains(&Code::MISMATCHED_ACTION_FOR_PRINCIPAL),
        "{codes:?}"
    );
}

/// Consequential findings are not piled on their cause.
#[test]
fn the_cause_is_reported_once() {
    let codes = |input: &str, kind: PolicyKind| codes_of(input, kind, None);
    // A wrong Version is not also a missing one.
    let c = codes(
        r#"{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        ID,
    );
    assert_eq!(c, [Code::INVALID_VERSION]);
    let c = codes(
        r#"{"Version":2012,"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        ID,
    );
    assert_eq!(c, [Code::DATA_TYPE_MISMATCH]);
    // An Action of the wrong type is not also empty.
    let c = codes(
        &policy(r#"{"Effect":"Allow","Action":{"a":1},"Resource":"*"}"#),
        ID,
    );
    assert_eq!(c, [Code::DATA_TYPE_MISMATCH]);
    // A principal of the wrong form is not also missing; a missing one still is.
    let c = codes(
        &policy(
            r#"{"Effect":"Allow","Principal":"arn:aws:iam::123456789012:root","Action":"sts:AssumeRole"}"#,
        ),
        TRUST,
    );
    assert!(
        !c.contains(&Code::MISSING_PRINCIPAL) && !c.is_empty(),
        "{c:?}"
    );
    let c = codes(
        &policy(
            r#"{"Effect":"Allow","Action":"sts:AssumeRole","Condition":{"Bool":{"aws:SecureTransport":"yes please"}}}"#,
        ),
        TRUST,
    );
    assert!(c.contains(&Code::MISSING_PRINCIPAL), "{c:?}");
    // A resource that is not an ARN is not also a resource-type mismatch.
    let c = codes(
        &policy(
            r#"{"Effect":"Allow","Action":"organizations:DescribeAccount","Resource":"arn:aws:organizations::*:"}"#,
        ),
        ID,
    );
    assert_eq!(c, [Code::INVALID_ARN]);
}

/// A structure finding names the service that owns the ARN's service segment, not another
/// service that lists the same resource type (EC2 lists IAM's `role`).
#[test]
fn arn_structure_findings_name_the_owning_service() {
    let input = policy(
        r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam:us-east-1:123456789012:role/x"}"#,
    );
    let report = validate_json(input.as_bytes(), &ValidationContext::default());
    let f = finding(&report, Code::ARN_REGION_NOT_ALLOWED);
    assert!(
        f.message.contains("AWS Identity and Access Management"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("EC2"), "{}", f.message);
}
