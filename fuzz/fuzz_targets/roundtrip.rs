//! Parse → write → parse: a document that parses is written in canonical form, and that
//! text parses again to an equal model.
#![no_main]

use iam_model::PolicyDocument;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = PolicyDocument::from_json(text) else {
        return;
    };
    let Ok(written) = doc.to_json_compact() else {
        return;
    };
    let again = PolicyDocument::from_json(&written)
        .unwrap_or_else(|e| panic!("canonical output does not reparse: {e}\n{written}"));
    assert_eq!(doc, again, "{written}");
});
