//! The fuzzed binary of target `idx` ([`neurite_fuzz::idx`]), run by AFL++.

fn main() {
    afl::fuzz!(|data: &[u8]| neurite_fuzz::idx::idx(data));
}
