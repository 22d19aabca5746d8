fn main() {
    keys();
    let _ = iam_macros::policy! {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEqual": {"aws:PrincipalTag/team": "iam"}}
        }]
    };
}

fn keys() {
    let _ = iam_macros::policy! {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::b",
            "Condition": {"StringLike": {"s3:prefixx": "home/*", "aws:SourceIpp": "x"}}
        }]
    };
}
