// Several bad attributes in one struct: all of them are reported together.
#[derive(iam_macros::Inputs)]
pub struct Inputs {
    /// The environment.
    #[input(defualt = "prod", rename = "env", rename = "environment")]
    pub environment: String,
    /// The duration.
    #[input(range = 43200..=3600, pattern = "[0-9")]
    pub duration: u32,
    #[input(flatten, sensitive)]
    pub labels: Labels,
}

/// Labels.
#[derive(iam_macros::Inputs)]
pub struct Labels {
    /// A name.
    #[input(example = 5)]
    pub name: Option<String>,
}

fn main() {}
