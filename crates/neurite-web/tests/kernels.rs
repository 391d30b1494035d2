//! The engine's kernels in the browser's wasm engine, held to the naive references of
//! `neurite::kernels::reference`: the explicit SIMD128 bodies (and, with the `relaxed-simd`
//! feature, the relaxed build's fused ones) only run here, never in the native tests.
#![cfg(target_arch = "wasm32")]

use neurite::kernels::reference;
use neurite::kernels::{KernelSet, active};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn the_build_runs_the_simd128_kernels_it_was_compiled_for() {
    let expected = if cfg!(feature = "relaxed-simd") {
        KernelSet::RelaxedSimd
    } else {
        KernelSet::Simd128
    };
    assert_eq!(active(), expected);
}

#[wasm_bindgen_test]
fn sparse_products_match_the_naive_reference_for_every_width() {
    reference::check_sparse_products().unwrap();
}

#[wasm_bindgen_test]
fn non_finite_inputs_propagate_through_the_sparse_products() {
    reference::check_non_finite_inputs_propagate().unwrap();
}

#[wasm_bindgen_test]
fn adam_kernel_matches_the_formula_in_f64_with_and_without_a_tail() {
    for n in [1003, 1024, 3] {
        reference::check_adam(n).unwrap();
    }
}

#[wasm_bindgen_test]
fn dense_products_match_the_naive_sum() {
    reference::check_matmul_shapes().unwrap();
}

#[wasm_bindgen_test]
fn adam_kernel_flushes_subnormal_moments_to_zero() {
    reference::check_adam_flushes_subnormal_moments().unwrap();
}

#[wasm_bindgen_test]
fn the_finiteness_check_finds_a_single_bad_value_in_any_lane_or_the_tail() {
    reference::check_all_finite().unwrap();
}
