//! The fuzzed binary of target `widget_url` ([`neurite_fuzz::widget_url`]), run by AFL++.

fn main() {
    afl::fuzz!(|data: &[u8]| neurite_fuzz::widget_url::widget_url(data));
}
