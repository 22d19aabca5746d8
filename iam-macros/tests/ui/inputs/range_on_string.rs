// `range` on a string and `pattern` on a number are type errors on the attribute.
#[derive(iam_macros::Inputs)]
pub struct Inputs {
    /// The environment.
    #[input(range = 1..=3)]
    pub environment: String,
    /// The duration.
    #[input(pattern = "[0-9]+")]
    pub duration: Vec<u32>,
}

fn main() {}
