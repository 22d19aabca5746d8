fn main() {
    let _ = iam_macros::arn!("arn:aws:s3");
    let _ = iam_macros::arn!("arn:aws:iam::12345:role/x");
    let _ = iam_macros::arn!("arn:{partiton}:s3:::b");
    let _ = iam_macros::arn!("arn:awz:s3:::b");
}
