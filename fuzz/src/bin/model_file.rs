//! The fuzzed binary of target `model_file` ([`neurite_fuzz::model_file`]), run by AFL++.

fn main() {
    afl::fuzz!(|data: &[u8]| neurite_fuzz::model_file::model_file(data));
}
