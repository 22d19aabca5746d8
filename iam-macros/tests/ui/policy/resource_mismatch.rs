fn main() {
    // `s3:GetObject` acts on objects (`bucket/key`), not on the bucket itself.
    let _ = iam_macros::policy! {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports"
        }]
    };
}
