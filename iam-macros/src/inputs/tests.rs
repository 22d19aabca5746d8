//! `#[derive(Inputs)]` from tokens to tokens: every attribute error at once, and the shape of
//! the generated code.

use proc_macro2::TokenStream;
use quote::quote;

fn errors(input: TokenStream) -> Vec<String> {
    let parsed: syn::DeriveInput = syn::parse2(input).unwrap();
    match super::expand_input(&parsed) {
        Ok(t) => panic!("expected errors, got {t}"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn expands(input: TokenStream) -> String {
    let parsed: syn::DeriveInput = syn::parse2(input).unwrap();
    super::expand_input(&parsed).unwrap().to_string()
}

#[test]
fn every_attribute_error_is_reported() {
    let errs = errors(quote! {
        /// Inputs.
        struct Bad {
            /// One.
            #[input(defualt = 3, rename = "x", rename = "y")]
            a: u32,
            /// Two.
            #[input(range = "3600", pattern = "(", flatten = true)]
            b: String,
            #[input(range = 10..=1, example = 5)]
            c: u32,
            /// Four.
            #[input(flatten, default)]
            d: Other,
            /// Five.
            #[input(rename = "x", sensitive, sensitive)]
            e: String,
            /// Six.
            #[input(range = 1..=2.5)]
            f: f64,
        }
    });
    assert_eq!(
        errs,
        [
            "unknown input attribute `defualt`\n= help: did you mean `default`?",
            "duplicate `rename` attribute\n= help: write each attribute once",
            "`range` takes a range\n= help: write `range = 3600..=43200`, `range = 1..` or `range = ..=100`",
            "`flatten` takes no value\n= help: write `#[input(flatten)]`",
            "`example` takes a string literal\n= help: write `example = \"...\"`",
            "duplicate `sensitive` attribute\n= help: write each attribute once",
            "`(` is not a valid pattern: found open group without closing ')'\n= help: patterns use regex-lite syntax and must match the whole value",
            "input `c` has no description\n= help: add a `///` doc comment: it becomes the input's description in docs and in its Terraform variable",
            "this range is empty\n= help: write the lower bound first: `range = 3600..=43200`",
            "`default` cannot be combined with `flatten`\n= help: a flattened struct's inputs take their attributes from its own fields",
            "two inputs are named `x`\n= help: field `a` already has that name; rename one of them",
            "mix of integer and float bounds\n= help: write both bounds the same way, e.g. `0.0..=1.0`",
        ]
    );
}

#[test]
fn what_cannot_derive_inputs() {
    assert_eq!(
        errors(quote!(enum E { A })),
        ["`Inputs` is derived for structs; an enum of string values derives `InputEnum`\n= help: use `#[derive(InputEnum)]` on enums of unit variants"]
    );
    assert_eq!(
        errors(quote!(struct T(String);)),
        ["`Inputs` needs a struct with named fields\n= help: each field is one input, named after the field"]
    );
    assert_eq!(
        errors(quote!(#[input(krate = "x")] struct G<T> { /// a
            a: T })),
        [
            "unknown container attribute `krate`\n= help: on the struct, `#[input(...)]` takes only `crate = \"path\"`",
            "`Inputs` cannot be derived for a generic struct\n= help: give the inputs struct concrete field types",
        ]
    );
}

#[test]
fn generated_code() {
    let out = expands(quote! {
        /// Inputs of the runtime connector.
        #[input(crate = "my::kit")]
        pub struct RuntimeConnectorInputs {
            /// An environment name.
            pub environment: String,
            /// Sym account ids.
            #[input(default = vec!["803477428605".to_string()], pattern = "[0-9]{12}")]
            pub sym_account_ids: Vec<String>,
            /// Duration.
            #[input(default, range = ..43200, rename = "max")]
            pub max_session_duration: u32,
            /// Labels.
            #[input(flatten)]
            pub labels: Labels,
        }
    });
    for part in [
        "impl my :: kit :: Inputs for RuntimeConnectorInputs",
        "let __input_environment = fields . required :: < String > (\"environment\" , & my :: kit :: inputs :: Constraints :: NONE , errors) ;",
        "let __input_sym_account_ids = fields . or_default :: < Vec < String > > (\"sym_account_ids\" , & my :: kit :: inputs :: Constraints { min : :: core :: ops :: Bound :: Unbounded , max : :: core :: ops :: Bound :: Unbounded , pattern : :: core :: option :: Option :: Some (\"[0-9]{12}\") , example : :: core :: option :: Option :: None } , errors , || -> Vec < String > { vec ! [\"803477428605\" . to_string ()] }) ;",
        "max : :: core :: ops :: Bound :: Excluded (my :: kit :: inputs :: Num :: Int (43200))",
        "(\"max\" ,",
        "< u32 as :: core :: default :: Default > :: default ()",
        "let __input_labels = < Labels as my :: kit :: Inputs > :: read_fields (fields , errors) ;",
        "names . extend (< Labels as my :: kit :: Inputs > :: input_names ()) ;",
        "my :: kit :: inputs :: assert_range :: < u32 > () ;",
        "my :: kit :: inputs :: assert_pattern :: < Vec < String > > () ;",
        "\"An environment name.\"",
        "impl my :: kit :: InputValue for RuntimeConnectorInputs",
    ] {
        assert!(out.contains(part), "missing `{part}` in\n{out}");
    }
}
