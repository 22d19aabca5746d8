// Every error of a policy literal at once, each on its token.
fn main() {
    let effect = "Allow";
    let _ = iam_macros::policy! {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "read-all",
            "Efect": "Allow",
            "Action": ["s3:GetObjcet", "s3:ListBucket"],
            "Resources": "*"
        }, {
            "Effect": effect,
            "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3", bucket()]
        }]
    };
}

fn bucket() -> String {
    String::new()
}
