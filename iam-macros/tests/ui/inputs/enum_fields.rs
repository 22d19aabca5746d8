#[derive(iam_macros::InputEnum)]
pub enum Addon {
    #[input(rename = "aws/secretsmgr")]
    Secrets,
    #[input(rename = "aws/secretsmgr", renam = "x")]
    Other(String),
}

fn main() {}
