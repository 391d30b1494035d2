//! The fuzzed binary of target `worker_messages` ([`neurite_fuzz::worker_messages`]), run by AFL++.

fn main() {
    afl::fuzz!(|data: &[u8]| neurite_fuzz::worker_messages::worker_messages(data));
}
