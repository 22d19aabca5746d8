// Each bad action is reported on its own literal, with the nearest valid names as help.
fn main() {
    let _ = iam_macros::action!("s3:GetObjcet");
    let _ = iam_macros::actions!("s3:GetObject", "s4:GetObject", "s3:Gett*", "s3GetObject");
}
